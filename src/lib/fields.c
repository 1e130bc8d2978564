/*
 * Typed field parsers (base layer).  Hand-written rather than strptime or
 * sscanf: those accept more than ISO 8601 allows, depend on the locale and
 * the TZ variable, and cannot say which rule a value broke.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mnrstat/fields.h"
#include "banned.h"

const char *const mnr_source_names[MNR_SRC_N] = {
	"hotline", "helpline", "police", "industry", "other" };
const char *const mnr_outcome_names[MNR_OUT_N] = {
	"charged", "referred", "no_further_action", "open", "unknown" };
const char *const mnr_age_band_names[MNR_AGE_N] = {
	"0-12", "13-15", "16-17", "adult", "unknown" };
const char *const mnr_yesno_names[MNR_YESNO_N] = { "yes", "no", "unknown" };

static int digits(const char *s, size_t n, int *out)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
				     30, 31 };

	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* Howard Hinnant, "chrono-compatible low-level date algorithms". */
int64_t mnr_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int bad(struct mnr_error *err, const char *rule, const char *msg)
{
	mnr_error_set(err, MNR_EDATA, "%s", msg);
	mnr_error_rule(err, rule);
	return MNR_EDATA;
}

int mnr_parse_datetime(const char *s, size_t len, int64_t *utc,
		       int *has_time, struct mnr_error *err)
{
	int y, mo, d, hh = 0, mi = 0, ss = 0, oh = 0, om = 0, sign = 0;
	size_t i;
	int64_t t;
	static const char fmt_msg[] = "not an ISO 8601 date or date-time";

	if (len < 10 || s[4] != '-' || s[7] != '-' || digits(s, 4, &y) ||
	    digits(s + 5, 2, &mo) || digits(s + 8, 2, &d))
		return bad(err, "date-format", fmt_msg);
	if (y < 1900 || y > 2199)
		return bad(err, "date-range", "year outside 1900-2199");
	if (mo < 1 || mo > 12)
		return bad(err, "date-range", "month outside 01-12");
	if (d < 1 || d > days_in_month(y, mo))
		return bad(err, "date-range", "day does not exist in that month");
	i = 10;
	if (has_time)
		*has_time = 0;
	if (i < len) {
		if ((s[i] != 'T' && s[i] != ' ') || len < i + 6 ||
		    digits(s + i + 1, 2, &hh) || s[i + 3] != ':' ||
		    digits(s + i + 4, 2, &mi))
			return bad(err, "date-format", fmt_msg);
		i += 6;
		if (i < len && s[i] == ':') {
			if (len < i + 3 || digits(s + i + 1, 2, &ss))
				return bad(err, "date-format", fmt_msg);
			i += 3;
			if (i < len && (s[i] == '.' || s[i] == ',')) {
				size_t j = ++i;

				while (i < len && s[i] >= '0' && s[i] <= '9')
					i++;
				if (i == j)
					return bad(err, "date-format", fmt_msg);
			}
		}
		if (hh > 23 || mi > 59 || ss > 59)
			return bad(err, "date-range", "time of day out of range");
		if (has_time)
			*has_time = 1;
		if (i < len) {
			if (s[i] == 'Z' && i + 1 == len) {
				i++;
			} else if (s[i] == '+' || s[i] == '-') {
				sign = s[i] == '-' ? -1 : 1;
				i++;
				if (len - i == 2 && !digits(s + i, 2, &oh)) {
					i += 2;
				} else if (len - i == 4 && !digits(s + i, 2, &oh) &&
					   !digits(s + i + 2, 2, &om)) {
					i += 4;
				} else if (len - i == 5 && !digits(s + i, 2, &oh) &&
					   s[i + 2] == ':' &&
					   !digits(s + i + 3, 2, &om)) {
					i += 5;
				} else {
					return bad(err, "date-format", fmt_msg);
				}
				if (oh > 14 || om > 59)
					return bad(err, "date-range",
						   "UTC offset out of range");
			}
		}
	}
	if (i != len)
		return bad(err, "date-format", fmt_msg);
	t = mnr_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	    hh * 3600 + mi * 60 + ss;
	t -= (int64_t)sign * (oh * 3600 + om * 60);
	*utc = t;
	return MNR_OK;
}

int mnr_parse_month(const char *s, size_t len, int *month,
		    struct mnr_error *err)
{
	int y, m;

	if (len != 7 || s[4] != '-' || digits(s, 4, &y) || digits(s + 5, 2, &m))
		return bad(err, "month-format", "not a month (YYYY-MM)");
	if (y < 1900 || y > 2199 || m < 1 || m > 12)
		return bad(err, "month-format", "month out of range");
	*month = y * 12 + m - 1;
	return MNR_OK;
}

int mnr_month_of(int64_t utc)
{
	/* Inverse of days_from_civil (Hinnant's civil_from_days). */
	int64_t z = (utc >= 0 ? utc : utc - 86399) / 86400 + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = yoe + era * 400 + (m <= 2);

	return (int)(y * 12 + m - 1);
}

int64_t mnr_month_start(int month)
{
	return mnr_days_from_civil(month / 12, (unsigned)(month % 12) + 1, 1) *
	       86400;
}

void mnr_month_format(int month, char *buf, size_t size)
{
	snprintf(buf, size, "%04d-%02d", month / 12, month % 12 + 1);
}

int mnr_parse_int64(const char *s, size_t len, int64_t *v,
		    struct mnr_error *err)
{
	size_t i = 0;
	int neg = 0;
	uint64_t acc = 0, lim;

	if (i < len && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	if (i == len)
		return bad(err, "integer", "not an integer");
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < len; i++) {
		unsigned dgt;

		if (s[i] < '0' || s[i] > '9')
			return bad(err, "integer", "not an integer");
		dgt = (unsigned)(s[i] - '0');
		if (acc > (lim - dgt) / 10)
			return bad(err, "integer", "integer out of range");
		acc = acc * 10 + dgt;
	}
	*v = neg ? (int64_t)(0 - acc) : (int64_t)acc;
	return MNR_OK;
}

int mnr_parse_decimal(const char *s, size_t len, double *v,
		      struct mnr_error *err)
{
	size_t i = 0, d0;
	char buf[64];
	char *end;
	double x;

	/* Validate the grammar first: strtod also takes "nan", "inf", hex. */
	if (i < len && (s[i] == '-' || s[i] == '+'))
		i++;
	d0 = i;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i < len && s[i] == '.') {
		size_t f0 = ++i;

		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == f0 && f0 - 1 == d0)
			return bad(err, "number", "not a number");
	} else if (i == d0) {
		if (len - i >= 3 && (strncmp(s + i, "nan", 3) == 0 ||
				     strncmp(s + i, "NaN", 3) == 0 ||
				     strncmp(s + i, "NAN", 3) == 0 ||
				     strncmp(s + i, "inf", 3) == 0 ||
				     strncmp(s + i, "Inf", 3) == 0 ||
				     strncmp(s + i, "INF", 3) == 0))
			return bad(err, "not-finite",
				   "NaN or infinity is not a value");
		return bad(err, "number", "not a number");
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		size_t e0;

		i++;
		if (i < len && (s[i] == '-' || s[i] == '+'))
			i++;
		e0 = i;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == e0)
			return bad(err, "number", "not a number");
	}
	if (i != len || len >= sizeof(buf))
		return bad(err, "number", "not a number");
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	x = strtod(buf, &end);
	if (*end || !isfinite(x) || (errno == ERANGE && fabs(x) > 1.0))
		return bad(err, "not-finite", "number out of range");
	*v = x;
	return MNR_OK;
}

int mnr_parse_enum(const char *s, size_t len, const char *const *values,
		   size_t n, int *out, struct mnr_error *err)
{
	size_t i, used = 0;
	char msg[200];

	if (len == 0)
		return bad(err, "enum", "empty value");
	for (i = 0; i < n; i++)
		if (values[i][0] == s[0] && strncmp(values[i], s, len) == 0 &&
		    values[i][len] == '\0') {
			*out = (int)i;
			return MNR_OK;
		}
	used = (size_t)snprintf(msg, sizeof(msg), "not one of:");
	for (i = 0; i < n && used < sizeof(msg); i++)
		used += (size_t)snprintf(msg + used, sizeof(msg) - used, " %s",
					 values[i]);
	return bad(err, "enum", msg);
}

/* ISO 3166-1 alpha-3, all 249 officially assigned codes, sorted. */
static const char countries[] =
	"ABWAFGAGOAIAALAALBANDAREARGARMASMATAATFATGAUSAUTAZEBDIBELBENBESBFA"
	"BGDBGRBHRBHSBIHBLMBLRBLZBMUBOLBRABRBBRNBTNBVTBWACAFCANCCKCHECHLCHN"
	"CIVCMRCODCOGCOKCOLCOMCPVCRICUBCUWCXRCYMCYPCZEDEUDJIDMADNKDOMDZAECU"
	"EGYERIESHESPESTETHFINFJIFLKFRAFROFSMGABGBRGEOGGYGHAGIBGINGLPGMBGNB"
	"GNQGRCGRDGRLGTMGUFGUMGUYHKGHMDHNDHRVHTIHUNIDNIMNINDIOTIRLIRNIRQISL"
	"ISRITAJAMJEYJORJPNKAZKENKGZKHMKIRKNAKORKWTLAOLBNLBRLBYLCALIELKALSO"
	"LTULUXLVAMACMAFMARMCOMDAMDGMDVMEXMHLMKDMLIMLTMMRMNEMNGMNPMOZMRTMSR"
	"MTQMUSMWIMYSMYTNAMNCLNERNFKNGANICNIUNLDNORNPLNRUNZLOMNPAKPANPCNPER"
	"PHLPLWPNGPOLPRIPRKPRTPRYPSEPYFQATREUROURUSRWASAUSDNSENSGPSGSSHNSJM"
	"SLBSLESLVSMRSOMSPMSRBSSDSTPSURSVKSVNSWESWZSXMSYCSYRTCATCDTGOTHATJK"
	"TKLTKMTLSTONTTOTUNTURTUVTWNTZAUGAUKRUMIURYUSAUZBVATVCTVENVGBVIRVNM"
	"VUTWLFWSMYEMZAFZMBZWE";

int mnr_country_valid(const char *s, size_t len)
{
	size_t lo = 0, hi = (sizeof(countries) - 1) / 3;

	if (len != 3)
		return 0;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = memcmp(countries + 3 * mid, s, 3);

		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int mnr_parse_country(const char *s, size_t len, struct mnr_error *err)
{
	if (!mnr_country_valid(s, len))
		return bad(err, "country-code",
			   "not an ISO 3166-1 alpha-3 country code");
	return MNR_OK;
}
