/* The command lines of the commands that read result files: plot, merge,
 * report and har.  Each parses its arguments here and calls analysis/. */
#ifndef WL_ANALYSIS_CMDS_H
#define WL_ANALYSIS_CMDS_H

int plot_main(int argc, char **argv);
int merge_main(int argc, char **argv);
int report_main(int argc, char **argv);
int har_main(int argc, char **argv);

#endif
