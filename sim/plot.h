/* `wirelab plot`: draws the figures a result file has data for, each with
 * a gnuplot template from analysis/ that reads the file itself. */
#ifndef WL_PLOT_H
#define WL_PLOT_H

int plot_main(int argc, char **argv);

/* Renders one template for one run into out_base.png and out_base.svg.
 * Returns 0, or -1 after printing why. */
int plot_template(const char *home, const char *template_path, const char *db,
		  long long run, const char *out_base);

#endif
