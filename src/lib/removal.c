/*
 * Removal-time analysis of a case file (library layer): reports of one
 * country split at the intervention month into two tabulated groups of
 * hours-to-removal, then Kaplan-Meier medians, restricted means, shares
 * removed within 24 h and 72 h, and the log-rank test (survival.c).
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "alloc_internal.h"
#include "mnrstat/cases.h"
#include "mnrstat/fields.h"
#include "mnrstat/removal.h"

/* One report of the country: times in UTC seconds. */
struct rep {
	int64_t reported;
	int64_t removed;  /* INT64_MAX when not removed */
};

struct read_ctx {
	const struct mnr_removal_options *opt;
	struct mnr_case_schema schema;
	struct rep *rep;
	size_t n, alloc;
	int64_t latest;
	int any;
	struct mnr_removal_data *out;
};

static int on_row(void *ud, const struct mnr_csv_row *row,
		  struct mnr_error *err)
{
	struct read_ctx *c = ud;
	struct mnr_case cs;
	int rc;

	if (row->is_header)
		return mnr_case_bind(&c->schema, row, c->opt->map, err);
	rc = mnr_case_parse(&c->schema, row, &cs, err);
	if (rc != MNR_OK)
		return rc;
	c->out->rows++;
	/* The extraction instant is the latest date of any kind, any row. */
	if (!c->any || cs.reported > c->latest)
		c->latest = cs.reported;
	c->any = 1;
	if (cs.has_removed && cs.removed > c->latest)
		c->latest = cs.removed;
	if (cs.has_closed && cs.closed > c->latest)
		c->latest = cs.closed;
	if (strcmp(cs.country, c->opt->country) != 0)
		return MNR_OK;
	c->out->country_rows++;
	if (c->opt->sources && !(c->opt->sources & (1u << cs.source))) {
		c->out->other_source++;
		return MNR_OK;
	}
	if (mnr__grow((void **)&c->rep, &c->alloc, c->n + 1,
		      sizeof(*c->rep)) != 0)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	c->rep[c->n].reported = cs.reported;
	c->rep[c->n].removed = cs.has_removed ? cs.removed : INT64_MAX;
	c->n++;
	return MNR_OK;
}

void mnr_removal_data_release(struct mnr_removal_data *d)
{
	if (!d)
		return;
	mnr_surv_tab_free(&d->group[0]);
	mnr_surv_tab_free(&d->group[1]);
	memset(d, 0, sizeof(*d));
}

int mnr_removal_read(const char *path, const struct mnr_removal_options *opt,
		     struct mnr_removal_data *out, struct mnr_error *err)
{
	struct mnr_csv_options copt;
	struct read_ctx c;
	double *t = NULL;
	int *ev = NULL, rc;
	size_t i, k;

	if (!out)
		return mnr_error_set(err, MNR_EINVAL, "no output");
	memset(out, 0, sizeof(*out));
	if (!opt || !opt->country || !path)
		return mnr_error_set(err, MNR_EINVAL, "no country or path");
	memset(&c, 0, sizeof(c));
	c.opt = opt;
	c.out = out;
	mnr_csv_options_init(&copt);
	rc = mnr_csv_read_path(path, &copt, on_row, &c, err);
	if (rc != MNR_OK)
		goto fail;
	out->as_of = opt->has_as_of ? opt->as_of : c.latest;

	t = mnr__malloc(mnr__size_mul(c.n ? c.n : 1, sizeof(double)));
	ev = mnr__malloc(mnr__size_mul(c.n ? c.n : 1, sizeof(int)));
	if (!t || !ev) {
		rc = mnr_error_set(err, MNR_ENOMEM, "out of memory");
		goto fail;
	}
	/*
	 * Two passes, one per group, over the same scratch arrays: an event
	 * is a removal at or before the as-of; anything else is censored at
	 * the as-of (not yet removed when the data were extracted).
	 */
	for (k = 0; k < 2; k++) {
		size_t m = 0;

		for (i = 0; i < c.n; i++) {
			const struct rep *r = &c.rep[i];
			int post = mnr_month_of(r->reported) >= opt->intervention;

			if ((size_t)post != k)
				continue;
			if (r->reported > out->as_of) {
				out->after_as_of++;
				continue;
			}
			if (r->removed <= out->as_of) {
				t[m] = (double)(r->removed - r->reported) / 3600.0;
				ev[m] = 1;
			} else {
				if (r->removed != INT64_MAX)
					out->removed_after_as_of++;
				t[m] = (double)(out->as_of - r->reported) / 3600.0;
				ev[m] = 0;
			}
			m++;
		}
		rc = mnr_surv_tabulate(t, ev, m, &out->group[k], err);
		if (rc != MNR_OK)
			goto fail;
	}
	mnr__free(t);
	mnr__free(ev);
	mnr__free(c.rep);
	return MNR_OK;
fail:
	mnr__free(t);
	mnr__free(ev);
	mnr__free(c.rep);
	mnr_removal_data_release(out);
	return rc;
}

const char *mnr_removal_warning_text(unsigned bit)
{
	switch (bit) {
	case MNR_REMOVAL_WARN_MEDIAN_PRE:
		return "the median time to removal is not reached before the "
		       "intervention";
	case MNR_REMOVAL_WARN_MEDIAN_POST:
		return "the median time to removal is not reached after the "
		       "intervention";
	case MNR_REMOVAL_WARN_MEDIAN_CI:
		return "a confidence limit of a median is not reached (NA)";
	case MNR_REMOVAL_WARN_HORIZON:
		return "the restricted-mean horizon lies beyond the follow-up "
		       "of a group: its curve is carried forward flat";
	case MNR_REMOVAL_WARN_WITHIN:
		return "24 h or 72 h lies beyond the follow-up of a group: that "
		       "share is carried forward";
	case MNR_REMOVAL_WARN_FEW_EVENTS:
		return "fewer than 10 removals in a group: the estimates are "
		       "imprecise";
	case MNR_REMOVAL_WARN_NO_LOGRANK:
		return "the log-rank test is undefined for these data (no "
		       "removal in either group, or never at risk together)";
	}
	return "";
}

int mnr_removal_analyse(const struct mnr_surv_data *pre,
			const struct mnr_surv_data *post, enum mnr_surv_ci ci,
			double level, double horizon,
			struct mnr_removal_result *out,
			struct mnr_surv_km km[2], struct mnr_error *err)
{
	const struct mnr_surv_data *g[2] = { pre, post };
	struct mnr_surv_km local[2], *fit = km ? km : local;
	struct mnr_error lr_err;
	int rc = MNR_OK;
	size_t k, i;

	if (!out || !pre || !post)
		return mnr_error_set(err, MNR_EINVAL, "no groups or output");
	memset(out, 0, sizeof(*out));
	memset(fit, 0, 2 * sizeof(*fit));
	if (!isfinite(horizon) || horizon <= 0.0)
		return mnr_error_set(err, MNR_EINVAL,
				     "horizon must be finite and > 0");
	out->ci = ci;
	out->level = level;
	out->horizon = horizon;
	for (k = 0; k < 2; k++) {
		struct mnr_removal_group *o = &out->group[k];
		double total = 0.0;

		if ((rc = mnr_surv_data_check(g[k], err)) != MNR_OK)
			goto done;
		for (i = 0; i < g[k]->n; i++)
			total += g[k]->n_event[i] + g[k]->n_censor[i];
		if (!(total > 0.0)) {
			rc = mnr_error_set(err, MNR_EDOMAIN, "%s",
					   k == 0 ? "no reports before the "
						    "intervention"
						  : "no reports from the "
						    "intervention month on");
			mnr_error_rule(err, "empty-group");
			goto done;
		}
		rc = mnr_surv_km_fit(g[k], ci, level, &fit[k], err);
		if (rc != MNR_OK)
			goto done;
		o->n = fit[k].n_total;
		o->events = fit[k].events;
		o->censored = o->n - o->events;
		o->max_time = fit[k].time[fit[k].n - 1];
		mnr_surv_km_median(&fit[k], &o->median);
		if ((rc = mnr_surv_km_rmst(&fit[k], horizon, &o->rmst,
					   err)) != MNR_OK ||
		    (rc = mnr_surv_km_at(&fit[k], MNR_REMOVAL_WITHIN_1,
					 &o->within[0], err)) != MNR_OK ||
		    (rc = mnr_surv_km_at(&fit[k], MNR_REMOVAL_WITHIN_2,
					 &o->within[1], err)) != MNR_OK)
			goto done;
		if (isnan(o->median.median))
			out->warnings |= k == 0 ? MNR_REMOVAL_WARN_MEDIAN_PRE
						: MNR_REMOVAL_WARN_MEDIAN_POST;
		else if (isnan(o->median.lower) || isnan(o->median.upper))
			out->warnings |= MNR_REMOVAL_WARN_MEDIAN_CI;
		if (o->rmst.beyond)
			out->warnings |= MNR_REMOVAL_WARN_HORIZON;
		if (o->within[0].beyond || o->within[1].beyond)
			out->warnings |= MNR_REMOVAL_WARN_WITHIN;
		if (o->events < 10.0)
			out->warnings |= MNR_REMOVAL_WARN_FEW_EVENTS;
	}
	mnr_error_clear(&lr_err);
	rc = mnr_surv_logrank(pre, post, &out->logrank, &lr_err);
	if (rc == MNR_OK) {
		out->has_logrank = 1;
	} else if (rc == MNR_EDOMAIN) {
		out->warnings |= MNR_REMOVAL_WARN_NO_LOGRANK;
		memset(&out->logrank, 0, sizeof(out->logrank));
		rc = MNR_OK;
	} else {
		rc = mnr_error_set(err, lr_err.code, "%s", lr_err.msg);
	}
done:
	if (rc != MNR_OK || !km) {
		mnr_surv_km_free(&fit[0]);
		mnr_surv_km_free(&fit[1]);
	}
	return rc;
}
