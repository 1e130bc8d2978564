/* Case-record schema (base layer): header binding and typed row parsing. */
#include <string.h>

#include "mnrstat/cases.h"
#include "mnrstat/fields.h"
#include "banned.h"

const char *const mnr_case_col_names[MNR_CASE_NCOL] = {
	"case_id", "person_id", "country", "source", "reported_at",
	"removed_at", "closed_at", "outcome", "victim_age_band",
	"support_offered", "victim_treated_as_suspect" };

int mnr_case_bind(struct mnr_case_schema *s, const struct mnr_csv_row *header,
		  const struct mnr_colmap *map, struct mnr_error *err)
{
	static const int req[MNR_CASE_NCOL] = {
		[MNR_CASE_COUNTRY] = 1, [MNR_CASE_REPORTED] = 1 };

	s->path = header->path;
	return mnr_csv_bind(header, mnr_case_col_names, req, MNR_CASE_NCOL,
			    map, s->idx, err);
}

/* Re-raise a field parser's error at the field, naming the column. */
static int at(const struct mnr_csv_row *row, long col, int which,
	      struct mnr_error *e, struct mnr_error *err)
{
	return mnr_csv_field_error(row, (size_t)col, err, MNR_EDATA, e->rule,
				   "%s: %s", mnr_case_col_names[which], e->msg);
}

static int parse_enum(const struct mnr_csv_row *row, long col, int which,
		      const char *const *names, size_t n, int dflt, int *out,
		      struct mnr_error *err)
{
	struct mnr_error e;

	*out = dflt;
	if (col < 0 || row->len[col] == 0)
		return MNR_OK;
	/*
	 * Parse without an error record first: clearing one per field costs
	 * more than the parse itself.  Only a failure is parsed again to get
	 * the message.
	 */
	if (!mnr_parse_enum(row->field[col], row->len[col], names, n, out, NULL))
		return MNR_OK;
	mnr_error_clear(&e);
	mnr_parse_enum(row->field[col], row->len[col], names, n, out, &e);
	return at(row, col, which, &e, err);
}

static int parse_time(const struct mnr_csv_row *row, long col, int which,
		      int *has, int64_t *t, struct mnr_error *err)
{
	struct mnr_error e;

	*has = 0;
	if (col < 0 || row->len[col] == 0)
		return MNR_OK;
	if (!mnr_parse_datetime(row->field[col], row->len[col], t, NULL, NULL)) {
		*has = 1;
		return MNR_OK;
	}
	mnr_error_clear(&e);
	mnr_parse_datetime(row->field[col], row->len[col], t, NULL, &e);
	return at(row, col, which, &e, err);
}

int mnr_case_parse(const struct mnr_case_schema *s,
		   const struct mnr_csv_row *row, struct mnr_case *c,
		   struct mnr_error *err)
{
	const long *ix = s->idx;
	struct mnr_error e;
	long k;
	int has;

	k = ix[MNR_CASE_COUNTRY];
	if (!mnr_country_valid(row->field[k], row->len[k])) {
		mnr_error_clear(&e);
		mnr_parse_country(row->field[k], row->len[k], &e);
		return at(row, k, MNR_CASE_COUNTRY, &e, err);
	}
	memcpy(c->country, row->field[k], 4);
	if (parse_time(row, ix[MNR_CASE_REPORTED], MNR_CASE_REPORTED, &has,
		       &c->reported, err))
		return MNR_EDATA;
	if (!has)
		return mnr_csv_field_error(row, (size_t)ix[MNR_CASE_REPORTED],
					   err, MNR_EDATA, "required",
					   "reported_at: empty");
	if (parse_time(row, ix[MNR_CASE_REMOVED], MNR_CASE_REMOVED,
		       &c->has_removed, &c->removed, err) ||
	    parse_time(row, ix[MNR_CASE_CLOSED], MNR_CASE_CLOSED,
		       &c->has_closed, &c->closed, err))
		return MNR_EDATA;
	if (c->has_removed && c->removed < c->reported)
		return mnr_csv_field_error(row, (size_t)ix[MNR_CASE_REMOVED],
					   err, MNR_EDATA, "removed-before-report",
					   "removed_at: earlier than reported_at");
	if (c->has_closed && c->closed < c->reported)
		return mnr_csv_field_error(row, (size_t)ix[MNR_CASE_CLOSED],
					   err, MNR_EDATA, "closed-before-report",
					   "closed_at: earlier than reported_at");
	if (parse_enum(row, ix[MNR_CASE_SOURCE], MNR_CASE_SOURCE,
		       mnr_source_names, MNR_SRC_N, MNR_SRC_OTHER, &c->source,
		       err) ||
	    parse_enum(row, ix[MNR_CASE_OUTCOME], MNR_CASE_OUTCOME,
		       mnr_outcome_names, MNR_OUT_N, MNR_OUT_UNKNOWN,
		       &c->outcome, err) ||
	    parse_enum(row, ix[MNR_CASE_AGE], MNR_CASE_AGE, mnr_age_band_names,
		       MNR_AGE_N, MNR_AGE_UNKNOWN, &c->age, err) ||
	    parse_enum(row, ix[MNR_CASE_SUPPORT], MNR_CASE_SUPPORT,
		       mnr_yesno_names, MNR_YESNO_N, MNR_UNKNOWN, &c->support,
		       err) ||
	    parse_enum(row, ix[MNR_CASE_SUSPECT], MNR_CASE_SUSPECT,
		       mnr_yesno_names, MNR_YESNO_N, MNR_UNKNOWN, &c->suspect,
		       err))
		return MNR_EDATA;
	if (c->outcome == MNR_OUT_OPEN && c->has_closed)
		return mnr_csv_field_error(row, (size_t)ix[MNR_CASE_OUTCOME],
					   err, MNR_EDATA, "outcome-open-closed",
					   "outcome: open but closed_at is set");
	k = ix[MNR_CASE_ID];
	c->case_id = k >= 0 ? row->field[k] : "";
	k = ix[MNR_CASE_PERSON];
	c->person = k >= 0 ? row->field[k] : "";
	c->person_len = k >= 0 ? row->len[k] : 0;
	return MNR_OK;
}
