/*
 * The privacy-budget ledger (library layer): append-only JSON lines, each
 * hash-chained to the previous with SHA-256, serialised between processes
 * by flock(2), made durable with fsync(2) before a spend returns.  The
 * entry format is documented in include/mnrstat/ledger.h.
 */
#include "mnrstat/ledger.h"
#include "mnrstat/sha256.h"
#include "alloc_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "banned.h"

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"
#define HASH_KEY ",\"hash\":\""

const char *mnr_ledger_kind_name(int kind)
{
	return kind == MNR_LEDGER_RHO ? "rho" :
	       kind == MNR_LEDGER_EPSILON ? "epsilon" : "unknown";
}

static int kind_from_name(const char *s)
{
	if (s && strcmp(s, "rho") == 0)
		return MNR_LEDGER_RHO;
	if (s && strcmp(s, "epsilon") == 0)
		return MNR_LEDGER_EPSILON;
	return 0;
}

void mnr_ledger_summary_free(struct mnr_ledger_summary *s)
{
	if (!s)
		return;
	mnr__free(s->accounts);
	s->accounts = NULL;
	s->naccounts = 0;
}

static int is_hex64(const char *s)
{
	size_t i;

	if (!s || strlen(s) != 64)
		return 0;
	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static int is_token(const char *s)
{
	size_t i, n;

	if (!s)
		return 0;
	n = strlen(s);
	if (n == 0 || n > 32)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '_'))
			return 0;
	return 1;
}

static int is_label(const char *s)
{
	size_t i, n;

	if (!s)
		return 1;
	n = strlen(s);
	if (n > 200)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return 0;
	return 1;
}

/* ---- Chain state ------------------------------------------------------- */

struct chain {
	uint64_t entries;
	char tip[65];
	struct mnr_ledger_account *acc;
	size_t nacc, alloc;
};

static struct mnr_ledger_account *find_acc(struct chain *c, const char *ds,
					   const char *unit)
{
	size_t i;

	for (i = 0; i < c->nacc; i++)
		if (strcmp(c->acc[i].dataset, ds) == 0 &&
		    strcmp(c->acc[i].unit, unit) == 0)
			return &c->acc[i];
	return NULL;
}

static int bad_entry(struct mnr_error *err, const char *path, uint64_t line,
		     const char *rule, const char *what)
{
	mnr_error_set_at(err, MNR_EDATA, path, (unsigned long)line, 0, 0, rule,
			 "ledger refused: %s", what);
	return MNR_EDATA;
}

static int parse_rational_field(json_t *o, const char *key,
				struct mnr_rational *q)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s && mnr_rational_parse(s, q, NULL) == MNR_OK ? 0 : -1;
}

/*
 * Check one complete line (without its newline) against the chain and
 * apply it to the totals.
 */
static int apply_line(struct chain *c, const char *line, size_t len,
		      const char *path, struct mnr_error *err)
{
	uint64_t lineno = c->entries + 1;
	const char *hk = NULL, *p;
	unsigned char d[MNR_SHA256_LEN];
	char hex[65], *body;
	json_t *o;
	json_error_t jerr;
	const char *type, *ds, *unit, *prev;
	struct mnr_ledger_account *a;
	int st = MNR_OK;

	/* the hash member is the last one: ,"hash":"<64 hex>"} */
	if (len < sizeof(HASH_KEY) - 1 + 66)
		return bad_entry(err, path, lineno, "ledger-entry",
				 "line is not a ledger entry");
	p = line + len - (sizeof(HASH_KEY) - 1 + 66);
	if (memcmp(p, HASH_KEY, sizeof(HASH_KEY) - 1) != 0 ||
	    memcmp(line + len - 2, "\"}", 2) != 0)
		return bad_entry(err, path, lineno, "ledger-entry",
				 "line does not end in its hash");
	hk = p;
	body = mnr__malloc((size_t)(hk - line) + 2);
	if (!body)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	memcpy(body, line, (size_t)(hk - line));
	body[hk - line] = '}';
	mnr_sha256(body, (size_t)(hk - line) + 1, d);
	mnr__free(body);
	mnr_sha256_hex(d, hex);
	if (memcmp(hex, hk + sizeof(HASH_KEY) - 1, 64) != 0)
		return bad_entry(err, path, lineno, "ledger-chain",
				 "entry hash does not match its content "
				 "(the entry was altered)");

	o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!o || !json_is_object(o)) {
		json_decref(o);
		return bad_entry(err, path, lineno, "ledger-entry",
				 "line is not a JSON object");
	}
	type = json_string_value(json_object_get(o, "type"));
	ds = json_string_value(json_object_get(o, "dataset"));
	unit = json_string_value(json_object_get(o, "unit"));
	prev = json_string_value(json_object_get(o, "prev"));
	if (json_integer_value(json_object_get(o, "v")) != 1 || !type ||
	    !is_hex64(ds) || !is_token(unit) || !is_hex64(prev) ||
	    !json_is_integer(json_object_get(o, "seq"))) {
		st = bad_entry(err, path, lineno, "ledger-entry",
			       "entry lacks a required field");
		goto out;
	}
	if ((uint64_t)json_integer_value(json_object_get(o, "seq")) != lineno) {
		st = bad_entry(err, path, lineno, "ledger-chain",
			       "entry number out of sequence (an entry was "
			       "removed or inserted)");
		goto out;
	}
	if (strcmp(prev, c->tip) != 0) {
		st = bad_entry(err, path, lineno, "ledger-chain",
			       "entry does not chain to the previous one (an "
			       "earlier entry was altered, removed or inserted)");
		goto out;
	}
	a = find_acc(c, ds, unit);
	if (strcmp(type, "budget") == 0) {
		struct mnr_rational b;
		int k = kind_from_name(json_string_value(
			json_object_get(o, "budget_kind")));

		if (!k || parse_rational_field(o, "budget", &b) || b.num == 0) {
			st = bad_entry(err, path, lineno, "ledger-entry",
				       "budget entry lacks a valid budget");
			goto out;
		}
		if (a) {
			st = bad_entry(err, path, lineno, "ledger-budget",
				       "second budget entry for the same "
				       "dataset and unit");
			goto out;
		}
		if (mnr__grow((void **)&c->acc, &c->alloc, c->nacc + 1,
			      sizeof(*c->acc))) {
			st = mnr_error_set(err, MNR_ENOMEM, "out of memory");
			goto out;
		}
		a = &c->acc[c->nacc++];
		memset(a, 0, sizeof(*a));
		memcpy(a->dataset, ds, 65);
		snprintf(a->unit, sizeof(a->unit), "%s", unit);
		a->budget_kind = k;
		a->budget = b;
		a->spent.num = 0;
		a->spent.den = 1;
	} else if (strcmp(type, "spend") == 0) {
		struct mnr_rational ch, sum;

		if (!a) {
			st = bad_entry(err, path, lineno, "ledger-budget",
				       "spend before any budget for its "
				       "dataset and unit");
			goto out;
		}
		if (parse_rational_field(o, "charged", &ch) || ch.num == 0 ||
		    !kind_from_name(json_string_value(
			    json_object_get(o, "cost_kind")))) {
			st = bad_entry(err, path, lineno, "ledger-entry",
				       "spend entry lacks a valid charge");
			goto out;
		}
		if (mnr_rational_add(a->spent, ch, &sum, NULL) != MNR_OK ||
		    mnr_rational_cmp(sum, a->budget) > 0) {
			st = bad_entry(err, path, lineno, "ledger-budget",
				       "recorded spending exceeds the budget");
			goto out;
		}
		a->spent = sum;
		a->releases++;
	} else {
		st = bad_entry(err, path, lineno, "ledger-entry",
			       "unknown entry type");
		goto out;
	}
	memcpy(c->tip, hex, 65);
	c->entries = lineno;
out:
	json_decref(o);
	return st;
}

/* Verify a whole ledger image. */
static int apply_all(struct chain *c, const char *buf, size_t n,
		     const char *path, struct mnr_error *err)
{
	size_t pos = 0;

	memset(c, 0, sizeof(*c));
	memcpy(c->tip, ZERO_HASH, 65);
	while (pos < n) {
		const char *nl = memchr(buf + pos, '\n', n - pos);
		int st;

		if (!nl) {
			mnr_error_set_at(err, MNR_EDATA, path,
					 (unsigned long)(c->entries + 1), 0, 0,
					 "ledger-torn",
					 "ledger refused: the last entry is "
					 "incomplete (a release was interrupted "
					 "while recording it, so its values were "
					 "not shown); once you have confirmed "
					 "that, repair by truncating the file to "
					 "%zu bytes", pos);
			return MNR_EDATA;
		}
		st = apply_line(c, buf + pos, (size_t)(nl - (buf + pos)), path,
				err);
		if (st != MNR_OK)
			return st;
		pos = (size_t)(nl - buf) + 1;
	}
	return MNR_OK;
}

static int io_fail(struct mnr_error *err, int code, const char *path,
		   const char *rule, const char *what)
{
	int e = errno;

	mnr_error_set_at(err, code, path, 0, 0, 0, rule, "ledger: %s", what);
	if (err)
		err->sys_errno = e;
	return code;
}

/* Read the whole open file into a NUL-terminated heap buffer. */
static int read_all(int fd, const char *path, char **out, size_t *n,
		    struct mnr_error *err)
{
	struct stat sb;
	char *buf;
	size_t got = 0;

	if (fstat(fd, &sb) != 0)
		return io_fail(err, MNR_EIO, path, "read", "cannot stat");
	buf = mnr__malloc((size_t)sb.st_size + 1);
	if (!buf)
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	while (got < (size_t)sb.st_size) {
		ssize_t r = pread(fd, buf + got, (size_t)sb.st_size - got,
				  (off_t)got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			mnr__free(buf);
			return io_fail(err, MNR_EIO, path, "read", "read failed");
		}
		got += (size_t)r;
	}
	buf[got] = '\0';
	*out = buf;
	*n = got;
	return MNR_OK;
}

static int lock_fd(int fd, int op, const char *path, struct mnr_error *err)
{
	while (flock(fd, op) != 0) {
		if (errno != EINTR)
			return io_fail(err, MNR_EIO, path, "lock",
				       "cannot lock the ledger");
	}
	return MNR_OK;
}

int mnr_ledger_verify(const char *path, struct mnr_ledger_summary *out,
		      struct mnr_error *err)
{
	struct chain c;
	char *buf = NULL;
	size_t n = 0;
	int fd, st;

	memset(out, 0, sizeof(*out));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return io_fail(err, MNR_ENOINPUT, path, "open",
			       "cannot open the ledger");
	st = lock_fd(fd, LOCK_SH, path, err);
	if (st == MNR_OK)
		st = read_all(fd, path, &buf, &n, err);
	close(fd);
	if (st != MNR_OK)
		return st;
	st = apply_all(&c, buf, n, path, err);
	mnr__free(buf);
	if (st != MNR_OK) {
		mnr__free(c.acc);
		return st;
	}
	out->entries = c.entries;
	memcpy(out->tip, c.tip, 65);
	out->accounts = c.acc;
	out->naccounts = c.nacc;
	return MNR_OK;
}

/* ---- Spending ---------------------------------------------------------- */

/*
 * Serialise obj (without hash) and append the hashed line to *text.
 * Updates tip to the new entry's hash.
 */
static int emit(json_t *obj, char tip[65], char **text, size_t *len,
		struct mnr_error *err)
{
	char *body = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
	unsigned char d[MNR_SHA256_LEN];
	size_t bl, need;
	char *t;

	if (!body)
		return mnr_error_set(err, MNR_ENOMEM, "cannot serialise entry");
	bl = strlen(body);
	mnr_sha256(body, bl, d);
	mnr_sha256_hex(d, tip);
	need = *len + bl - 1 + sizeof(HASH_KEY) - 1 + 64 + 3 + 1;
	t = mnr__realloc(*text, need);
	if (!t) {
		free(body);
		return mnr_error_set(err, MNR_ENOMEM, "out of memory");
	}
	memcpy(t + *len, body, bl - 1);
	*len += bl - 1;
	memcpy(t + *len, HASH_KEY, sizeof(HASH_KEY) - 1);
	*len += sizeof(HASH_KEY) - 1;
	memcpy(t + *len, tip, 64);
	*len += 64;
	memcpy(t + *len, "\"}\n", 3);
	*len += 3;
	t[*len] = '\0';
	*text = t;
	free(body);
	return MNR_OK;
}

static json_t *entry_head(uint64_t seq, const char *prev, const char *type,
			  const char *when, const struct mnr_ledger_request *r)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	if (json_object_set_new(o, "v", json_integer(1)) ||
	    json_object_set_new(o, "seq", json_integer((json_int_t)seq)) ||
	    json_object_set_new(o, "prev", json_string(prev)) ||
	    json_object_set_new(o, "type", json_string(type)) ||
	    json_object_set_new(o, "time", json_string(when)) ||
	    json_object_set_new(o, "dataset", json_string(r->dataset)) ||
	    json_object_set_new(o, "unit", json_string(r->unit))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int set_rat(json_t *o, const char *key, struct mnr_rational q)
{
	char buf[48];

	if (mnr_rational_format(q, buf, sizeof(buf)) != MNR_OK)
		return -1;
	return json_object_set_new(o, key, json_string(buf));
}

static int refuse(struct mnr_error *err, const char *what)
{
	mnr_error_set(err, MNR_EPRIVACY, "release refused: %s", what);
	mnr_error_rule(err, "budget");
	return MNR_EPRIVACY;
}

static int fsync_dir(const char *path)
{
	char *dir = mnr__strdup(path), *slash;
	int fd, rc;

	if (!dir)
		return -1;
	slash = strrchr(dir, '/');
	if (!slash) {
		mnr__free(dir);
		dir = mnr__strdup(".");
		if (!dir)
			return -1;
	} else if (slash == dir) {
		slash[1] = '\0';
	} else {
		*slash = '\0';
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	mnr__free(dir);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Compute the charge in the budget's kind; refuse impossible conversions. */
static int charge_of(const struct mnr_ledger_request *r, int budget_kind,
		     struct mnr_rational *charged, struct mnr_error *err)
{
	if (r->cost_kind == budget_kind) {
		*charged = r->cost;
		return MNR_OK;
	}
	if (r->cost_kind == MNR_LEDGER_EPSILON && budget_kind == MNR_LEDGER_RHO) {
		/* eps-DP implies (eps^2/2)-zCDP (Bun & Steinke 2016, Prop 1.4) */
		struct mnr_rational sq;
		int st = mnr_rational_mul(r->cost, r->cost, &sq, err);

		if (st != MNR_OK)
			return st;
		return mnr_rational_mul(sq, (struct mnr_rational){ 1, 2 },
					charged, err);
	}
	return refuse(err, "a zCDP (rho) release cannot be charged to an "
			   "epsilon budget; record the budget in rho");
}

int mnr_ledger_spend(const char *path, const struct mnr_ledger_request *req,
		     struct mnr_ledger_receipt *out, struct mnr_error *err)
{
	struct chain c;
	struct mnr_ledger_account *a;
	struct mnr_ledger_receipt rc;
	char *buf = NULL, *text = NULL, when[32];
	size_t n = 0, tlen = 0, done = 0;
	int fd, created = 0, st, bkind;
	struct mnr_rational budget, sum;
	struct tm tmv;
	time_t now;
	json_t *o = NULL;

	memset(&c, 0, sizeof(c));
	if (!req || !is_hex64(req->dataset) || !is_token(req->unit) ||
	    !is_token(req->mechanism) || !is_label(req->label) ||
	    !kind_from_name(mnr_ledger_kind_name(req->cost_kind)) ||
	    req->cost.num == 0 || req->cost.den == 0 ||
	    (req->budget_kind && (!kind_from_name(mnr_ledger_kind_name(
					  req->budget_kind)) ||
				  req->budget.num == 0 || req->budget.den == 0))) {
		mnr_error_set(err, MNR_EINVAL, "malformed ledger request");
		mnr_error_rule(err, "ledger-request");
		return MNR_EINVAL;
	}
	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0)
		created = 1;
	else if (errno == EEXIST)
		fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return io_fail(err, MNR_ENOINPUT, path, "open",
			       "cannot open or create the ledger");
	st = lock_fd(fd, LOCK_EX, path, err);
	if (st == MNR_OK)
		st = read_all(fd, path, &buf, &n, err);
	if (st == MNR_OK)
		st = apply_all(&c, buf, n, path, err);
	if (st != MNR_OK)
		goto out;

	now = time(NULL);
	if (!gmtime_r(&now, &tmv) ||
	    !strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tmv)) {
		st = mnr_error_set(err, MNR_EIO, "cannot read the clock");
		goto out;
	}
	a = find_acc(&c, req->dataset, req->unit);
	if (a) {
		bkind = a->budget_kind;
		budget = a->budget;
		if (req->budget_kind && (req->budget_kind != bkind ||
					 mnr_rational_cmp(req->budget, budget) != 0)) {
			st = refuse(err, "the ledger already records a different "
					 "budget for this dataset and unit; a "
					 "budget cannot be changed");
			goto out;
		}
	} else {
		if (!req->budget_kind) {
			st = refuse(err, "the ledger records no budget for this "
					 "dataset and unit; give one");
			goto out;
		}
		bkind = req->budget_kind;
		budget = req->budget;
		o = entry_head(c.entries + 1, c.tip, "budget", when, req);
		if (!o || json_object_set_new(o, "budget_kind", json_string(
				      mnr_ledger_kind_name(bkind))) ||
		    set_rat(o, "budget", budget)) {
			st = mnr_error_set(err, MNR_ENOMEM, "cannot build entry");
			goto out;
		}
		st = emit(o, c.tip, &text, &tlen, err);
		json_decref(o);
		o = NULL;
		if (st != MNR_OK)
			goto out;
		c.entries++;
	}
	st = charge_of(req, bkind, &rc.charged, err);
	if (st != MNR_OK)
		goto out;
	sum = a ? a->spent : (struct mnr_rational){ 0, 1 };
	if (mnr_rational_add(sum, rc.charged, &sum, NULL) != MNR_OK ||
	    mnr_rational_cmp(sum, budget) > 0) {
		st = refuse(err, "it would exceed the privacy budget");
		goto out;
	}
	o = entry_head(c.entries + 1, c.tip, "spend", when, req);
	if (!o || json_object_set_new(o, "mechanism",
				      json_string(req->mechanism)) ||
	    json_object_set_new(o, "cost_kind", json_string(
		    mnr_ledger_kind_name(req->cost_kind))) ||
	    set_rat(o, "cost", req->cost) || set_rat(o, "charged", rc.charged) ||
	    json_object_set_new(o, "label",
				json_string(req->label ? req->label : ""))) {
		st = mnr_error_set(err, MNR_ENOMEM, "cannot build entry");
		goto out;
	}
	st = emit(o, c.tip, &text, &tlen, err);
	if (st != MNR_OK)
		goto out;
	c.entries++;

	/* append, then make it durable before anything is released */
	while (done < tlen) {
		ssize_t w = write(fd, text + done, tlen - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			st = io_fail(err, MNR_EIO, path, "write",
				     "cannot append to the ledger; nothing "
				     "was released");
			if (ftruncate(fd, (off_t)n) == 0)
				(void)fsync(fd);
			goto out;
		}
		done += (size_t)w;
	}
	if (fsync(fd) != 0 || (created && fsync_dir(path) != 0)) {
		st = io_fail(err, MNR_EIO, path, "fsync",
			     "cannot make the ledger entry durable; nothing "
			     "was released");
		if (ftruncate(fd, (off_t)n) == 0)
			(void)fsync(fd);
		goto out;
	}
	rc.seq = c.entries;
	memcpy(rc.hash, c.tip, 65);
	rc.budget_kind = bkind;
	rc.budget = budget;
	rc.spent = sum;
	*out = rc;
	st = MNR_OK;
out:
	json_decref(o);
	mnr__free(text);
	mnr__free(buf);
	mnr__free(c.acc);
	close(fd);
	return st;
}
