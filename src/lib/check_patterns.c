/*
 * Direct-identifier detectors for `check` (check layer): value patterns
 * (e-mail, URL, IPv4, IPv6, phone number, full date) and identifier column
 * names.  Hand-written scanners rather than regular expressions: POSIX
 * regex depends on the locale, cannot express the "not a date, not a
 * decimal" exclusions cleanly, and is slow on long free-text fields.
 * Every scanner is a single left-to-right pass over bytes; bytes >= 0x80
 * are treated as letters (the reader has already checked UTF-8).
 */
#include <stddef.h>
#include <string.h>

#include "mnrstat/check.h"
#include "banned.h"

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static int is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static int is_alnum(unsigned char c) { return is_digit(c) || is_alpha(c); }
static int is_hex(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Case-insensitive prefix test of the ASCII word w at s[i..len). */
static int starts_ci(const char *s, size_t len, size_t i, const char *w)
{
	size_t k, n = strlen(w);

	if (len - i < n)
		return 0;
	for (k = 0; k < n; k++)
		if (lower((unsigned char)s[i + k]) != (unsigned char)w[k])
			return 0;
	return 1;
}

/* ------------------------------------------------------------ e-mail */

/* RFC 5322 atext plus '.', and any non-ASCII byte (internationalised). */
static int local_char(unsigned char c)
{
	return is_alnum(c) || c >= 0x80 ||
	       (c && strchr("!#$%&'*+/=?^_`{|}~.-", c) != NULL);
}

static int domain_char(unsigned char c)
{
	return is_alnum(c) || c == '-' || c == '.' || c >= 0x80;
}

/*
 * local@domain.tld: at least one local character before '@', a domain with
 * a dot, and a top-level label of two or more letters.  A bare "@handle"
 * (no local part) is not an address.
 */
int mnr_check_has_email(const char *s, size_t len)
{
	size_t i;

	for (i = 1; i < len; i++) {
		size_t r, dot, k;
		int tld_ok;

		if (s[i] != '@' || !local_char((unsigned char)s[i - 1]) ||
		    s[i - 1] == '.')
			continue;
		r = i + 1;
		while (r < len && domain_char((unsigned char)s[r]))
			r++;
		while (r > i + 1 && (s[r - 1] == '.' || s[r - 1] == '-'))
			r--;
		if (r <= i + 1 || s[i + 1] == '.' || s[i + 1] == '-')
			continue;
		dot = 0;
		for (k = i + 1; k < r; k++)
			if (s[k] == '.')
				dot = k;
		if (!dot || r - dot - 1 < 2 || s[dot - 1] == '.')
			continue;
		tld_ok = 1;
		for (k = dot + 1; k < r; k++)
			if (!is_alpha((unsigned char)s[k]) &&
			    (unsigned char)s[k] < 0x80)
				tld_ok = 0;
		if (tld_ok)
			return 1;
	}
	return 0;
}

/* --------------------------------------------------------------- URL */

/*
 * scheme://host (scheme: a letter then letters, digits, + . -; two or more
 * characters), "www." at a word start, a .onion host, or a bare host name
 * with an alphabetic top-level label directly followed by '/' (t.co/x).
 */
int mnr_check_has_url(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ':' && i + 3 < len && s[i + 1] == '/' &&
		    s[i + 2] == '/' &&
		    (is_alnum((unsigned char)s[i + 3]) ||
		     (unsigned char)s[i + 3] >= 0x80 || s[i + 3] == '[')) {
			size_t b = i;

			while (b > 0 && (is_alnum((unsigned char)s[b - 1]) ||
					 s[b - 1] == '+' || s[b - 1] == '.' ||
					 s[b - 1] == '-'))
				b--;
			while (b < i && !is_alpha((unsigned char)s[b]))
				b++;
			if (i - b >= 2)
				return 1;
		}
		if ((c == 'w' || c == 'W') && starts_ci(s, len, i, "www.") &&
		    (i == 0 || (!is_alnum((unsigned char)s[i - 1]) &&
				s[i - 1] != '.' && s[i - 1] != '@')) &&
		    i + 4 < len && is_alnum((unsigned char)s[i + 4]))
			return 1;
		if (c == '.' && i > 0 && is_alnum((unsigned char)s[i - 1]) &&
		    starts_ci(s, len, i, ".onion") &&
		    (i + 6 == len || !is_alnum((unsigned char)s[i + 6])))
			return 1;
		if (c == '/' && i > 0 && is_alpha((unsigned char)s[i - 1])) {
			/* Walk back over the top-level label and its dot. */
			size_t t = i, h;

			while (t > 0 && is_alpha((unsigned char)s[t - 1]))
				t--;
			if (i - t < 2 || i - t > 24 || t == 0 || s[t - 1] != '.')
				continue;
			h = t - 1;
			while (h > 0 && (is_alnum((unsigned char)s[h - 1]) ||
					 s[h - 1] == '-'))
				h--;
			if (t - 1 - h >= 1 &&
			    (h == 0 || !(s[h - 1] == '/' || s[h - 1] == '.')))
				return 1;
		}
	}
	return 0;
}

/* -------------------------------------------------------------- IPv4 */

/* Parse a dotted quad at s[i..); return its length or 0. */
static size_t ipv4_at(const char *s, size_t len, size_t i)
{
	size_t j = i;
	int part;

	for (part = 0; part < 4; part++) {
		size_t d0 = j;
		unsigned v = 0;

		while (j < len && is_digit((unsigned char)s[j]) && j - d0 < 4) {
			v = v * 10 + (unsigned)(s[j] - '0');
			j++;
		}
		if (j == d0 || j - d0 > 3 || v > 255)
			return 0;
		if (part < 3) {
			if (j >= len || s[j] != '.')
				return 0;
			j++;
		}
	}
	return j - i;
}

/*
 * Four dotted decimal octets 0-255 standing alone: not preceded by a
 * letter, digit or dot, not followed by a digit, a letter or ".digit"
 * (which would make it a longer version-like run).
 */
int mnr_check_has_ipv4(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		size_t n, e;

		if (!is_digit((unsigned char)s[i]) ||
		    (i > 0 && (is_alnum((unsigned char)s[i - 1]) ||
			       s[i - 1] == '.')))
			continue;
		if (!(n = ipv4_at(s, len, i)))
			continue;
		e = i + n;
		if (e < len && (is_alnum((unsigned char)s[e]) ||
				(s[e] == '.' && e + 1 < len &&
				 is_digit((unsigned char)s[e + 1]))))
			continue;
		return 1;
	}
	return 0;
}

/* -------------------------------------------------------------- IPv6 */

/*
 * Validate t[0..n) as an RFC 4291 text address: hexadecimal groups of 1-4
 * digits separated by ':', at most one "::", eight groups without it and
 * at most seven with it, optionally ending in a dotted quad (two groups).
 * Clock times (12:30:45) and MAC addresses (six groups) do not qualify.
 */
static int ipv6_valid(const char *t, size_t n)
{
	size_t i = 0, groups = 0;
	int dbl = 0, hexdigits = 0;

	if (n < 2)
		return 0;
	if (t[0] == ':') {
		if (t[1] != ':')
			return 0;
		dbl = 1;
		i = 2;
	}
	while (i < n) {
		size_t g0 = i;

		while (i < n && is_hex((unsigned char)t[i]) && i - g0 <= 4)
			i++;
		if (i < n && t[i] == '.') {
			/* Embedded IPv4 must be the tail. */
			size_t q = ipv4_at(t, n, g0);

			if (!q || g0 + q != n)
				return 0;
			groups += 2;
			hexdigits = 1;
			i = n;
			break;
		}
		if (i == g0 || i - g0 > 4)
			return 0;
		groups++;
		hexdigits = 1;
		if (i == n)
			break;
		if (t[i] != ':')
			return 0;
		i++;
		if (i < n && t[i] == ':') {
			if (dbl)
				return 0;
			dbl = 1;
			i++;
		} else if (i == n) {
			return 0; /* a single trailing ':' */
		}
	}
	if (!hexdigits)
		return 0;
	return dbl ? groups <= 7 : groups == 8;
}

static int ipv6_char(unsigned char c)
{
	return is_hex(c) || c == ':' || c == '.';
}

int mnr_check_has_ipv6(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t b, e, colons = 0, k;

		if (!ipv6_char((unsigned char)s[i])) {
			i++;
			continue;
		}
		b = i;
		while (i < len && ipv6_char((unsigned char)s[i]))
			i++;
		e = i;
		/*
		 * A run glued to a longer word is not an address, unless a
		 * label ends in ':' ("addr:2001:db8::1").
		 */
		if ((b > 0 && is_alnum((unsigned char)s[b - 1]) &&
		     !(s[b] == ':' && b + 1 < e && s[b + 1] != ':')) ||
		    (e < len && is_alnum((unsigned char)s[e])))
			continue;
		for (k = b; k < e; k++)
			colons += s[k] == ':';
		if (colons < 2)
			continue;
		/* Sentence punctuation after an address. */
		while (e > b && s[e - 1] == '.')
			e--;
		if (ipv6_valid(s + b, e - b))
			return 1;
		/* "label:2001:db8::1": the run starts at the label's ':'. */
		if (s[b] == ':' && b + 1 < e && s[b + 1] != ':' &&
		    ipv6_valid(s + b + 1, e - b - 1))
			return 1;
	}
	return 0;
}

/* --------------------------------------------------------- full date */

static int valid_dm(unsigned d, unsigned m)
{
	return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static unsigned num(const char *s, size_t n)
{
	unsigned v = 0;
	size_t k;

	for (k = 0; k < n; k++)
		v = v * 10 + (unsigned)(s[k] - '0');
	return v;
}

/* Length of a run of digits at s[i..). */
static size_t digit_run(const char *s, size_t len, size_t i)
{
	size_t j = i;

	while (j < len && is_digit((unsigned char)s[j]))
		j++;
	return j - i;
}

/*
 * A full calendar date standing alone: YYYY-MM-DD (also with '/' or '.'),
 * DD-MM-YYYY or MM/DD/YYYY (one separator kind; day and month accepted in
 * either order), or compact YYYYMMDD; years 1900-2199.
 */
int mnr_check_has_full_date(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		size_t a, b, c;
		char sep;

		if (!is_digit((unsigned char)s[i]) ||
		    (i > 0 && is_digit((unsigned char)s[i - 1])))
			continue;
		a = digit_run(s, len, i);
		if (a == 8 && (i + 8 == len || !is_alnum((unsigned char)s[i + 8]))) {
			unsigned y = num(s + i, 4), m = num(s + i + 4, 2),
				 d = num(s + i + 6, 2);

			if (y >= 1900 && y <= 2199 && m >= 1 && m <= 12 &&
			    d >= 1 && d <= 31)
				return 1;
		}
		if (i + a >= len)
			continue;
		sep = s[i + a];
		if (sep != '-' && sep != '/' && sep != '.')
			continue;
		b = digit_run(s, len, i + a + 1);
		if (!b || i + a + 1 + b >= len || s[i + a + 1 + b] != sep)
			continue;
		c = digit_run(s, len, i + a + b + 2);
		if (!c)
			continue;
		if (a == 4 && b >= 1 && b <= 2 && c >= 1 && c <= 2) {
			unsigned y = num(s + i, 4);

			if (y >= 1900 && y <= 2199 &&
			    valid_dm(num(s + i + a + b + 2, c),
				     num(s + i + a + 1, b)))
				return 1;
		}
		if (c == 4 && a >= 1 && a <= 2 && b >= 1 && b <= 2) {
			unsigned y = num(s + i + a + b + 2, 4),
				 x = num(s + i, a), z = num(s + i + a + 1, b);

			if (y >= 1900 && y <= 2199 &&
			    (valid_dm(x, z) || valid_dm(z, x)))
				return 1;
		}
	}
	return 0;
}

/* ------------------------------------------------------------- phone */

static int phone_sep(unsigned char c)
{
	return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' ||
	       c == '/';
}

/* A character that glues a digit run into a larger token (an id, a time,
 * an address, a decimal, a negative number). */
static int glue(unsigned char c)
{
	return is_alnum(c) || c >= 0x80 || c == '_' || c == '-' || c == '.' ||
	       c == '/' || c == '@' || c == ':' || c == '#' || c == '+';
}

/*
 * Three consecutive groups shaped like a calendar date (YYYY-M-D or
 * D-M-YYYY, any separators).  The shape alone decides, so an impossible
 * date such as 2020-13-01 is still a (bad) date, not a phone number.
 */
static int has_date_shape(const size_t *g, const char *sep, size_t n)
{
	size_t k;

	for (k = 0; k + 2 < n && k + 2 < 16; k++) {
		if (sep[k] != sep[k + 1] ||
		    (sep[k] != '-' && sep[k] != '/' && sep[k] != '.'))
			continue;
		if (g[k] == 4 && g[k + 1] <= 2 && g[k + 2] <= 2)
			return 1;
		if (g[k + 2] == 4 && g[k] <= 2 && g[k + 1] <= 2)
			return 1;
	}
	return 0;
}

/* Digit groups and separators of a candidate s[i..end). */
struct phone_shape {
	size_t ndig, ng;
	size_t glen[16];
	unsigned gval[16];
	char sep[16];       /* sep[k]: the one separator between groups k and
			     * k+1, or 0 when several characters */
	size_t dots, dashes_slashes, spaces;
	int paren;
};

static void phone_shape(const char *s, size_t i, size_t end,
			struct phone_shape *p)
{
	size_t k, cur = 0;
	unsigned v = 0;

	memset(p, 0, sizeof(*p));
	for (k = i; k <= end; k++) {
		unsigned char d = k < end ? (unsigned char)s[k] : ' ';

		if (is_digit(d)) {
			p->ndig++;
			cur++;
			if (v < 100000000u)
				v = v * 10 + (unsigned)(d - '0');
			continue;
		}
		if (cur) {
			if (p->ng < 16) {
				p->glen[p->ng] = cur;
				p->gval[p->ng] = v;
			}
			p->ng++;
			cur = 0;
			v = 0;
		}
		if (k == end)
			break;
		if (p->ng && p->ng <= 16) {
			/* One separator character between two groups. */
			char *gap = &p->sep[p->ng - 1];

			*gap = is_digit((unsigned char)s[k - 1]) ? (char)d : 0;
		}
		if (d == '.')
			p->dots++;
		else if (d == '(' || d == ')')
			p->paren = 1;
		else if (d == ' ')
			p->spaces++;
		else if (d == '-' || d == '/')
			p->dashes_slashes++;
	}
}

static int is_year(size_t glen, unsigned v)
{
	return glen == 4 && v >= 1900 && v <= 2199;
}

/* Does the candidate s[i..end) (plus sign at s[i] or not) read as a phone
 * number?  See mnr_check_has_phone. */
static int phone_verdict(const char *s, size_t len, size_t i, size_t end,
			 int free_text)
{
	struct phone_shape p;
	size_t k;
	int years = 1, plus = s[i] == '+';

	phone_shape(s, i, end, &p);
	if (p.ndig < 7 || p.ndig > 15 || p.ng > 16)
		return 0;
	for (k = 0; k < p.ng; k++)
		if (!is_year(p.glen[k], p.gval[k]))
			years = 0;
	if (years || has_date_shape(p.glen, p.sep, p.ng))
		return 0;
	if (plus)
		return p.ndig >= 8;
	if (p.ng == 1)
		return free_text && s[i] == '0' && p.ndig >= 10;
	/* A decimal number: one point, nothing else. */
	if (p.dots == 1 && !p.spaces && !p.dashes_slashes && !p.paren)
		return 0;
	/* A dotted quad is an IPv4 address, reported as such. */
	if (p.ng == 4 && p.dots == 3 && !p.spaces && !p.dashes_slashes &&
	    ipv4_at(s, len, i) == end - i)
		return 0;
	/* A reference numbered by year: 2020-000123-45, 2019/0042/7. */
	if (is_year(p.glen[0], p.gval[0]) && p.dashes_slashes && !p.spaces &&
	    !p.paren)
		return 0;
	return p.ng >= 3 || p.paren || s[i] == '0';
}

/*
 * Phone numbers: a run of digits and separators (space - . ( ) /) that
 * starts a token, holds 7-15 digits (E.164 allows at most 15) and is not
 * glued to letters, a time or an address.  It counts as a phone number
 * when it starts with '+' (international, 8+ digits) or, written with
 * separators, has three or more digit groups, a parenthesised area code
 * or a leading trunk 0.  Excluded: date shapes (2024-03-15, 15.03.2024,
 * also impossible ones), runs of years (2012 - 2015 - 2018), references
 * led by a year (2020-000123-45), a single decimal point (12345.678),
 * dotted quads (IP addresses, reported as such).  An unseparated run
 * counts only in free text, with a leading 0 and 10-15 digits
 * (07700900123): elsewhere it is an identifier or a count.
 */
int mnr_check_has_phone(const char *s, size_t len, int free_text)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t j, end, consec = 0;

		if (!(is_digit(c) || c == '+' || c == '(') ||
		    (i > 0 && glue((unsigned char)s[i - 1]))) {
			i++;
			continue;
		}
		j = i + (c == '+');
		for (; j < len; j++) {
			unsigned char d = (unsigned char)s[j];

			if (is_digit(d))
				consec = 0;
			else if (!phone_sep(d) || ++consec > 2)
				break;
		}
		end = j;
		while (end > i && phone_sep((unsigned char)s[end - 1]) &&
		       s[end - 1] != ')')
			end--;
		/*
		 * Glued on the right to a word, a time or an address: part of
		 * a longer token (an id, 10:30, 0123@host), not a number.
		 */
		if (end > i && !(end == j && j < len &&
				 (is_alnum((unsigned char)s[j]) ||
				  (unsigned char)s[j] >= 0x80 || s[j] == ':' ||
				  s[j] == '@' || s[j] == '_')) &&
		    phone_verdict(s, len, i, end, free_text))
			return 1;
		i = j > i ? j : i + 1;
	}
	return 0;
}

/* ---------------------------------------------------- column names */

struct ident_name {
	const char *name;      /* normalised: lower case, alphanumerics only */
	const char *category;
};

static const char cat_name[] = "personal name";
static const char cat_email[] = "e-mail address";
static const char cat_phone[] = "phone number";
static const char cat_addr[] = "postal address";
static const char cat_post[] = "postcode";
static const char cat_ip[] = "IP address";
static const char cat_dob[] = "date of birth";
static const char cat_natid[] = "national identity number";
static const char cat_device[] = "device identifier";

static const struct ident_name ident_names[] = {
	{ "name", cat_name }, { "names", cat_name },
	{ "firstname", cat_name }, { "lastname", cat_name },
	{ "surname", cat_name }, { "fullname", cat_name },
	{ "givenname", cat_name }, { "givennames", cat_name },
	{ "familyname", cat_name }, { "forename", cat_name },
	{ "forenames", cat_name }, { "middlename", cat_name },
	{ "maidenname", cat_name }, { "nickname", cat_name },
	{ "username", cat_name }, { "screenname", cat_name },
	{ "email", cat_email }, { "emailaddress", cat_email },
	{ "mail", cat_email }, { "mailaddress", cat_email },
	{ "emails", cat_email },
	{ "phone", cat_phone }, { "phonenumber", cat_phone },
	{ "phoneno", cat_phone }, { "telephone", cat_phone },
	{ "telephonenumber", cat_phone }, { "tel", cat_phone },
	{ "telno", cat_phone }, { "mobile", cat_phone },
	{ "mobilenumber", cat_phone }, { "mobilephone", cat_phone },
	{ "cell", cat_phone }, { "cellphone", cat_phone },
	{ "cellnumber", cat_phone }, { "fax", cat_phone },
	{ "msisdn", cat_phone },
	{ "address", cat_addr }, { "streetaddress", cat_addr },
	{ "street", cat_addr }, { "homeaddress", cat_addr },
	{ "postaladdress", cat_addr }, { "addressline1", cat_addr },
	{ "addressline2", cat_addr }, { "addr", cat_addr },
	{ "housenumber", cat_addr },
	{ "postcode", cat_post }, { "postalcode", cat_post },
	{ "zip", cat_post }, { "zipcode", cat_post },
	{ "ip", cat_ip }, { "ipaddress", cat_ip }, { "ipaddr", cat_ip },
	{ "ipv4", cat_ip }, { "ipv6", cat_ip },
	{ "dob", cat_dob }, { "dateofbirth", cat_dob },
	{ "birthdate", cat_dob }, { "birthday", cat_dob },
	{ "ssn", cat_natid }, { "socialsecuritynumber", cat_natid },
	{ "nationalid", cat_natid }, { "nationalidnumber", cat_natid },
	{ "nationalinsurancenumber", cat_natid }, { "nino", cat_natid },
	{ "nin", cat_natid }, { "passport", cat_natid },
	{ "passportnumber", cat_natid }, { "passportno", cat_natid },
	{ "idcard", cat_natid }, { "idcardnumber", cat_natid },
	{ "taxid", cat_natid }, { "driverslicense", cat_natid },
	{ "driverslicence", cat_natid }, { "driverlicense", cat_natid },
	{ "imei", cat_device }, { "deviceid", cat_device },
	{ "macaddress", cat_device },
};

/* Role prefixes that do not change what a column identifies. */
static const char *const ident_prefixes[] = {
	"victim", "child", "suspect", "offender", "perpetrator", "parent",
	"guardian", "reporter", "contact", "user", "home", "personal",
	"mother", "father", "person", "customer", "subject", "primary",
	"work", "caller", "survivor", "client",
};

static const char *lookup_ident(const char *n, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(ident_names) / sizeof(ident_names[0]); i++)
		if (strlen(ident_names[i].name) == len &&
		    memcmp(ident_names[i].name, n, len) == 0)
			return ident_names[i].category;
	return NULL;
}

const char *mnr_check_identifier_column(const char *header, size_t len)
{
	char n[64];
	size_t i, m = 0;
	const char *cat;

	for (i = 0; i < len && m < sizeof(n); i++)
		if (is_alnum((unsigned char)header[i]))
			n[m++] = (char)lower((unsigned char)header[i]);
	if (i < len || m == 0)
		return NULL;
	if ((cat = lookup_ident(n, m)))
		return cat;
	for (i = 0; i < sizeof(ident_prefixes) / sizeof(ident_prefixes[0]); i++) {
		size_t p = strlen(ident_prefixes[i]);

		if (m > p && memcmp(n, ident_prefixes[i], p) == 0 &&
		    (cat = lookup_ident(n + p, m - p)))
			return cat;
	}
	return NULL;
}

int mnr_check_is_age_column(const char *header, size_t len)
{
	static const char *const words[] = {
		"age", "ages", "ageband", "agegroup", "agerange", "ageyears",
		"dob", "born", "birth", "birthday", "birthdate", "dateofbirth",
		"birthyear", "yearofbirth",
	};
	size_t i = 0;

	while (i < len) {
		char w[32];
		size_t m = 0, k;

		while (i < len && !is_alnum((unsigned char)header[i]))
			i++;
		while (i < len && is_alnum((unsigned char)header[i])) {
			if (m < sizeof(w))
				w[m] = (char)lower((unsigned char)header[i]);
			m++;
			i++;
		}
		if (m == 0 || m > sizeof(w))
			continue;
		for (k = 0; k < sizeof(words) / sizeof(words[0]); k++)
			if (strlen(words[k]) == m && memcmp(words[k], w, m) == 0)
				return 1;
	}
	return 0;
}
