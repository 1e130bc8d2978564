/*
 * Privacy-budget ledger: exact budget arithmetic, refusal of overspend
 * (nothing written), tamper and truncation detection, concurrent spenders
 * that never exceed the budget, and kill -9 during spends never leaving the
 * ledger recording less than was released.
 */
#include "test_util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mnrstat/ledger.h"

#define DS_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define DS_B "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static char dir[64];
static char path[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/mnr_ledger_XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/ledger.jsonl", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	rmdir(dir);
	return 0;
}

static struct mnr_ledger_request req_rho(const char *ds, uint64_t cn, uint64_t cd,
					 uint64_t bn, uint64_t bd)
{
	struct mnr_ledger_request r;

	memset(&r, 0, sizeof(r));
	r.dataset = ds;
	r.unit = "person";
	r.budget_kind = MNR_LEDGER_RHO;
	r.budget = (struct mnr_rational){ bn, bd };
	r.mechanism = "discrete_gaussian";
	r.cost_kind = MNR_LEDGER_RHO;
	r.cost = (struct mnr_rational){ cn, cd };
	r.label = "monthly reports by country";
	return r;
}

static char *slurp(size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long len;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	buf[len] = '\0';
	fclose(f);
	*n = (size_t)len;
	return buf;
}

static void spit(const char *buf, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, n, f), n);
	fclose(f);
}

static void test_ledger_spend_and_refuse_overspend(void **state)
{
	struct mnr_ledger_request r = req_rho(DS_A, 1, 4, 1, 1);
	struct mnr_ledger_receipt rc;
	struct mnr_ledger_summary s;
	struct mnr_error err;
	char *before, *after, tip[65];
	size_t nb, na;
	int i;

	(void)state;
	unlink(path);
	for (i = 0; i < 4; i++) {
		mnr_error_clear(&err);
		assert_int_equal(mnr_ledger_spend(path, &r, &rc, &err), MNR_OK);
		assert_int_equal(rc.seq, (uint64_t)i + 2); /* line 1 is the budget */
		assert_int_equal(rc.budget_kind, MNR_LEDGER_RHO);
		/* (i + 1) / 4, reduced */
		assert_int_equal(mnr_rational_cmp(rc.spent, (struct mnr_rational){
			(uint64_t)i + 1, 4 }), 0);
	}
	memcpy(tip, rc.hash, sizeof(tip));
	assert_true(rc.spent.num == 1 && rc.spent.den == 1);
	assert_int_equal(strlen(rc.hash), 64);
	{
		struct stat sb;

		assert_int_equal(stat(path, &sb), 0);
		assert_int_equal(sb.st_mode & 0777, 0600);
	}
	/* the fifth spend would exceed: refused, file byte-for-byte unchanged */
	before = slurp(&nb);
	memset(&rc, 0x5a, sizeof(rc));
	mnr_error_clear(&err);
	assert_int_equal(mnr_ledger_spend(path, &r, &rc, &err), MNR_EPRIVACY);
	assert_string_equal(err.rule, "budget");
	assert_int_equal(rc.seq, 0x5a5a5a5a5a5a5a5aULL);
	after = slurp(&na);
	assert_int_equal(na, nb);
	assert_memory_equal(before, after, nb);
	free(before);
	free(after);
	/* even a tiny overspend is refused: exact arithmetic */
	r.cost = (struct mnr_rational){ 1, UINT64_C(1) << 40 };
	assert_int_equal(mnr_ledger_spend(path, &r, &rc, NULL), MNR_EPRIVACY);

	mnr_error_clear(&err);
	assert_int_equal(mnr_ledger_verify(path, &s, &err), MNR_OK);
	assert_int_equal(s.entries, 5);
	assert_int_equal(s.naccounts, 1);
	assert_string_equal(s.accounts[0].dataset, DS_A);
	assert_string_equal(s.accounts[0].unit, "person");
	assert_int_equal(s.accounts[0].releases, 4);
	assert_true(s.accounts[0].spent.num == 1 && s.accounts[0].spent.den == 1);
	assert_string_equal(s.tip, tip);
	mnr_ledger_summary_free(&s);
}

static void test_ledger_cost_kinds_and_keys(void **state)
{
	struct mnr_ledger_request r = req_rho(DS_A, 1, 10, 1, 2);
	struct mnr_ledger_receipt rc;
	struct mnr_ledger_summary s;
	struct mnr_error err;
	size_t i;

	(void)state;
	unlink(path);
	assert_int_equal(mnr_ledger_spend(path, &r, &rc, NULL), MNR_OK);
	/* pure eps = 1/2 on a rho budget costs eps^2/2 = 1/8 */
	r.cost_kind = MNR_LEDGER_EPSILON;
	r.cost = (struct mnr_rational){ 1, 2 };
	r.mechanism = "discrete_laplace";
	assert_int_equal(mnr_ledger_spend(path, &r, &rc, NULL), MNR_OK);
	assert_true(rc.charged.num == 1 && rc.charged.den == 8);
	assert_true(rc.spent.num == 9 && rc.spent.den == 40);
	/* budget can be omitted once recorded, never changed */
	r.budget_kind = 0;
	assert_int_equal(mnr_ledger_spend(path, &r, &rc, NULL), MNR_OK);
	r.budget_kind = MNR_LEDGER_RHO;
	r.budget = (struct mnr_rational){ 1, 1 };
	mnr_error_clear(&err);
	assert_int_equal(mnr_ledger_spend(path, &r, &rc, &err), MNR_EPRIVACY);
	assert_non_null(strstr(err.msg, "cannot be changed"));
	/* another dataset, or another unit, is another account */
	r = req_rho(DS_B, 1, 1, 1, 1);
	r.budget_kind = 0;
	assert_int_equal(mnr_ledger_spend(path, &r, &rc, NULL), MNR_EPRIVACY);
	r.budget_kind = MNR_LEDGER_EPSILON;
	r.budget = (struct mnr_rational){ 2, 1 };
	/* zCDP cost on an epsilon budget: refused */
	mnr_error_clear(&err);
	assert_int_equal(mnr_ledger_spend(path, &r, &rc, &err), MNR_EPRIVACY);
	assert_non_null(strstr(err.msg, "epsilon budget"));
	r.cost_kind = MNR_LEDGER_EPSILON;
	r.unit = "row";
	assert_int_equal(mnr_ledger_spend(path, &r, &rc, NULL), MNR_OK);
	assert_int_equal(mnr_ledger_spend(path, &r, &rc, NULL), MNR_OK);
	assert_int_equal(mnr_ledger_spend(path, &r, &rc, NULL), MNR_EPRIVACY);

	assert_int_equal(mnr_ledger_verify(path, &s, NULL), MNR_OK);
	assert_int_equal(s.naccounts, 2);
	for (i = 0; i < s.naccounts; i++) {
		if (strcmp(s.accounts[i].dataset, DS_A) == 0) {
			assert_int_equal(s.accounts[i].budget_kind, MNR_LEDGER_RHO);
			assert_int_equal(s.accounts[i].releases, 3);
			/* 1/10 + 1/8 + 1/8 = 7/20 */
			assert_true(s.accounts[i].spent.num == 7 &&
				    s.accounts[i].spent.den == 20);
		} else {
			assert_string_equal(s.accounts[i].unit, "row");
			assert_int_equal(s.accounts[i].budget_kind, MNR_LEDGER_EPSILON);
			assert_true(s.accounts[i].spent.num == 2 &&
				    s.accounts[i].spent.den == 1);
		}
	}
	mnr_ledger_summary_free(&s);
	/* malformed requests */
	r.dataset = "xyz";
	mnr_error_clear(&err);
	assert_int_equal(mnr_ledger_spend(path, &r, &rc, &err), MNR_EINVAL);
	assert_string_equal(err.rule, "ledger-request");
	r.dataset = DS_A;
	r.label = "bad\nlabel";
	assert_int_equal(mnr_ledger_spend(path, &r, &rc, NULL), MNR_EINVAL);
	r.label = NULL;
	r.cost.num = 0;
	assert_int_equal(mnr_ledger_spend(path, &r, &rc, NULL), MNR_EINVAL);
	mnr_error_clear(&err);
	assert_int_equal(mnr_ledger_verify("/nonexistent/ledger", &s, &err),
			 MNR_ENOINPUT);
}

/* Build a 4-entry ledger and return its text. */
static char *fresh4(size_t *n)
{
	struct mnr_ledger_request r = req_rho(DS_A, 1, 10, 1, 1);
	struct mnr_ledger_receipt rc;
	int i;

	unlink(path);
	for (i = 0; i < 3; i++)
		assert_int_equal(mnr_ledger_spend(path, &r, &rc, NULL), MNR_OK);
	return slurp(n);
}

static char *line_start(char *buf, int line)
{
	char *p = buf;

	while (--line > 0)
		p = strchr(p, '\n') + 1;
	return p;
}

static void expect_refused(int line, const char *rule)
{
	struct mnr_ledger_summary s;
	struct mnr_ledger_request r = req_rho(DS_A, 1, 100, 1, 1);
	struct mnr_ledger_receipt rc;
	struct mnr_error err;
	char *before, *after;
	size_t nb, na;

	mnr_error_clear(&err);
	assert_int_equal(mnr_ledger_verify(path, &s, &err), MNR_EDATA);
	assert_int_equal(s.naccounts, 0);
	assert_int_equal(err.line, (unsigned long)line);
	assert_string_equal(err.rule, rule);
	/* and a spend on it is refused and writes nothing */
	before = slurp(&nb);
	mnr_error_clear(&err);
	assert_int_equal(mnr_ledger_spend(path, &r, &rc, &err), MNR_EDATA);
	assert_string_equal(err.rule, rule);
	after = slurp(&na);
	assert_int_equal(na, nb);
	assert_memory_equal(before, after, nb);
	free(before);
	free(after);
}

static void test_ledger_tamper_detected(void **state)
{
	size_t n;
	char *buf, *p, *q, *copy;

	(void)state;
	/* 1. lower a recorded charge in entry 2 */
	buf = fresh4(&n);
	p = strstr(line_start(buf, 2), "\"charged\":\"1/10\"");
	assert_non_null(p);
	p[13] = '9'; /* 1/10 -> 1/90 */
	spit(buf, n);
	expect_refused(2, "ledger-chain");
	free(buf);

	/* 2. edit the last entry (no later entry covers it: its own hash does) */
	buf = fresh4(&n);
	p = strstr(line_start(buf, 4), "\"charged\":\"1/10\"");
	p[13] = '9';
	spit(buf, n);
	expect_refused(4, "ledger-chain");
	free(buf);

	/* 3. delete a middle entry */
	buf = fresh4(&n);
	p = line_start(buf, 2);
	q = line_start(buf, 3);
	memmove(p, q, n - (size_t)(q - buf));
	spit(buf, n - (size_t)(q - p));
	expect_refused(2, "ledger-chain");
	free(buf);

	/* 4. swap two entries */
	buf = fresh4(&n);
	copy = malloc(n);
	p = line_start(buf, 2);
	q = line_start(buf, 3);
	{
		size_t l2 = (size_t)(q - p), l3 = (size_t)(line_start(buf, 4) - q);

		memcpy(copy, buf, n);
		memcpy(copy + (p - buf), q, l3);
		memcpy(copy + (p - buf) + l3, p, l2);
	}
	spit(copy, n);
	expect_refused(2, "ledger-chain");
	free(copy);
	free(buf);

	/* 5. a line that is not an entry */
	buf = fresh4(&n);
	spit(buf, n);
	{
		FILE *f = fopen(path, "ab");

		fputs("{\"v\":1}\n", f);
		fclose(f);
	}
	expect_refused(5, "ledger-entry");
	free(buf);
}

static void test_ledger_torn_last_line(void **state)
{
	struct mnr_ledger_summary s;
	struct mnr_error err;
	size_t n;
	char *buf, *last, want[64];

	(void)state;
	buf = fresh4(&n);
	last = line_start(buf, 4);
	/* cut the last entry in the middle, as a crash during write would */
	spit(buf, (size_t)(last - buf) + 40);
	expect_refused(4, "ledger-torn");
	mnr_error_clear(&err);
	assert_int_equal(mnr_ledger_verify(path, &s, &err), MNR_EDATA);
	snprintf(want, sizeof(want), "truncating the file to %zu bytes",
		 (size_t)(last - buf));
	assert_non_null(strstr(err.msg, want));
	/* the documented repair works */
	assert_int_equal(truncate(path, (off_t)(last - buf)), 0);
	assert_int_equal(mnr_ledger_verify(path, &s, NULL), MNR_OK);
	assert_int_equal(s.entries, 3);
	mnr_ledger_summary_free(&s);
	/* a complete line missing only its newline is also torn */
	spit(buf, n - 1);
	expect_refused(4, "ledger-torn");
	free(buf);
}

static void test_ledger_concurrent_spenders(void **state)
{
	/* 8 processes x 10 attempts of rho 1/16 against a budget of 2: exactly 32 succeed */
	enum { NPROC = 8, TRIES = 10 };
	pid_t pid[NPROC];
	struct mnr_ledger_summary s;
	int i, total = 0;

	(void)state;
	unlink(path);
	for (i = 0; i < NPROC; i++) {
		pid[i] = fork();
		assert_true(pid[i] >= 0);
		if (pid[i] == 0) {
			struct mnr_ledger_request r = req_rho(DS_A, 1, 16, 2, 1);
			struct mnr_ledger_receipt rc;
			int k, ok = 0;

			for (k = 0; k < TRIES; k++) {
				int st = mnr_ledger_spend(path, &r, &rc, NULL);

				if (st == MNR_OK)
					ok++;
				else if (st != MNR_EPRIVACY)
					_exit(200);
			}
			_exit(ok);
		}
	}
	for (i = 0; i < NPROC; i++) {
		int status;

		assert_int_equal(waitpid(pid[i], &status, 0), pid[i]);
		assert_true(WIFEXITED(status));
		assert_true(WEXITSTATUS(status) <= TRIES);
		total += WEXITSTATUS(status);
	}
	assert_int_equal(total, 32);
	assert_int_equal(mnr_ledger_verify(path, &s, NULL), MNR_OK);
	assert_int_equal(s.entries, 33);
	assert_int_equal(s.accounts[0].releases, 32);
	assert_true(s.accounts[0].spent.num == 2 && s.accounts[0].spent.den == 1);
	mnr_ledger_summary_free(&s);
}

/* Offset just past the last newline (the documented torn-line repair). */
static off_t last_newline_end(void)
{
	size_t n;
	char *buf = slurp(&n), *p;
	off_t off = 0;

	for (p = buf + n; p > buf; p--)
		if (p[-1] == '\n') {
			off = (off_t)(p - buf);
			break;
		}
	free(buf);
	return off;
}

static void test_ledger_kill9_never_records_less(void **state)
{
	/*
	 * A child spends and then "releases" (writes one byte to a pipe) in a
	 * loop; the parent kills it with SIGKILL after a random delay.  After
	 * every kill the ledger must verify (or have only a torn last line)
	 * and record at least as many spends as bytes released.
	 */
	enum { ROUNDS = 60 };
	unsigned long released = 0;
	int round, torn = 0;

	(void)state;
	unlink(path);
	srand(12345);
	for (round = 0; round < ROUNDS; round++) {
		int fd[2], status;
		pid_t pid;
		char b[4096];
		ssize_t got;
		struct mnr_ledger_summary s;
		struct mnr_error err;
		struct timespec ts = { 0, 0 };

		assert_int_equal(pipe(fd), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			struct mnr_ledger_request r =
				req_rho(DS_A, 1, 1000000, 1000000, 1);
			struct mnr_ledger_receipt rc;

			close(fd[0]);
			for (;;) {
				if (mnr_ledger_spend(path, &r, &rc, NULL) != MNR_OK)
					_exit(3);
				if (write(fd[1], "r", 1) != 1)
					_exit(4);
			}
		}
		close(fd[1]);
		/*
		 * On every other round wait for one release first: under I/O
		 * load an fsync can outlast the random delay in every round,
		 * and a run that never released anything would test nothing.
		 */
		if (round % 2 == 0) {
			got = read(fd[0], b, 1);
			assert_int_equal(got, 1);
			released++;
		}
		ts.tv_nsec = (long)(rand() % 20000) * 1000L;
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));
		while ((got = read(fd[0], b, sizeof(b))) > 0)
			released += (unsigned long)got;
		close(fd[0]);

		mnr_error_clear(&err);
		if (mnr_ledger_verify(path, &s, &err) != MNR_OK) {
			/* only an interrupted last entry is acceptable; repair it */
			assert_string_equal(err.rule, "ledger-torn");
			torn++;
			assert_int_equal(truncate(path, last_newline_end()), 0);
			assert_int_equal(mnr_ledger_verify(path, &s, NULL), MNR_OK);
		}
		if (s.naccounts)
			assert_true(s.accounts[0].releases >= released);
		else
			assert_int_equal(released, 0);
		mnr_ledger_summary_free(&s);
	}
	print_message("kill -9: %d rounds, %lu values released, %d torn entries repaired\n",
		      ROUNDS, released, torn);
	assert_true(released > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ledger_spend_and_refuse_overspend),
		cmocka_unit_test(test_ledger_cost_kinds_and_keys),
		cmocka_unit_test(test_ledger_tamper_detected),
		cmocka_unit_test(test_ledger_torn_last_line),
		cmocka_unit_test(test_ledger_concurrent_spenders),
		cmocka_unit_test(test_ledger_kill9_never_records_less),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
