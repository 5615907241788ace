/* `wirelab report`: a folder of figures and an index.html for a result
 * file, one run or a whole sweep. */
#ifndef WL_REPORT_H
#define WL_REPORT_H

int report_main(int argc, char **argv);

#endif
