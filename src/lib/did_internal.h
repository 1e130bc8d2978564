/*
 * Private interface between the did_*.c files (library layer).  The dense
 * panel below is owned by mnr_did_run; the estimators borrow it.
 */
#ifndef MNR_DID_INTERNAL_H
#define MNR_DID_INTERNAL_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "mnrstat/did.h"

/*
 * The panel as a dense N x T matrix of (transformed) outcomes, NaN where
 * missing, periods pmin .. pmax.  g[i] is unit i's adoption period after any
 * placebo shift (MNR_DID_NEVER, or a period that may lie outside the
 * panel).  active[i] is 0 for units without data or left out.
 */
struct did_data {
	size_t N, T;
	long pmin, pmax;
	double *Y;
	long *g;
	unsigned char *active;
	int balanced;
};

#define DID_Y(d, i, t) ((d)->Y[(size_t)(i) * (d)->T + (size_t)(t)])

/* 1 when unit i is never treated within the panel. */
static inline int did_is_never(const struct did_data *d, size_t i)
{
	return d->g[i] == MNR_DID_NEVER || d->g[i] > d->pmax;
}

/* Fill lo, hi and p of e from est, se and df (df 0 = normal). */
void mnr__did_est_finish(struct mnr_did_est *e, double level);

/* A missing estimate with a reason. */
void mnr__did_est_missing(struct mnr_did_est *e, const char *reason);

/* One Webb (2014) six-point weight: +-sqrt(1/2), +-1, +-sqrt(3/2). */
double mnr__did_webb(gsl_rng *r);

/* Quantile (type 7) of x[0..n), sorting x in place; NaN when n = 0. */
double mnr__did_quantile(double *x, size_t n, double q);

int mnr__did_2x2(const struct did_data *d, const struct mnr_did_options *o,
		 struct mnr_did_2x2 **out, size_t *n_out,
		 struct mnr_error *err);

/*
 * full = 0 computes only the coefficient and its CR1 standard error (for
 * leave-one-out runs).
 */
int mnr__did_twfe(const struct did_data *d, const struct mnr_did_options *o,
		  int full, struct mnr_did_twfe *out, struct mnr_error *err);
void mnr__did_twfe_release(struct mnr_did_twfe *t);

/* full = 0 skips the bootstrap and the pre-trend test. */
int mnr__did_cs(const struct did_data *d, const struct mnr_did_options *o,
		int full, struct mnr_did_cs *out, struct mnr_error *err);
void mnr__did_cs_release(struct mnr_did_cs *c);

#endif
