/*
 * Persistent privacy-budget ledger: an append-only file of JSON lines,
 * each entry hash-chained to the one before (SHA-256), keyed by dataset
 * fingerprint and privacy unit.
 * Ownership: requests and receipts are caller-owned; a summary filled by
 * mnr_ledger_verify owns its accounts array, freed with
 * mnr_ledger_summary_free.
 *
 * Protocol (issue 4): mnr_ledger_spend takes an exclusive flock, verifies
 * the whole chain, refuses a spend that would exceed the budget, appends
 * the entry and fsyncs the file (and its directory when it created the
 * file) before returning.  The caller shows released values only after
 * MNR_OK, so the ledger can never record less than was released.
 *
 * Entry format, one line each, fields in this order:
 *   {"v":1,"seq":N,"prev":"<hex of previous entry's hash, 64 zeros first>",
 *    "type":"budget"|"spend","time":"YYYY-MM-DDTHH:MM:SSZ",
 *    "dataset":"<64 hex>","unit":"<unit>",
 *    budget:  "budget_kind":"rho"|"epsilon","budget":"n/d"
 *    spend:   "mechanism":"...","cost_kind":"rho"|"epsilon","cost":"n/d",
 *             "charged":"n/d" (in the budget's kind),"label":"..."
 *    ,"hash":"<64 hex>"}
 * where hash is SHA-256 of the line's bytes with the ,"hash":... member
 * removed (that is, the same text ending in "}").
 */
#ifndef MNRSTAT_LEDGER_H
#define MNRSTAT_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "mnrstat/dp.h"
#include "mnrstat/error.h"

enum mnr_ledger_kind {
	MNR_LEDGER_RHO = 1,     /* zero-concentrated DP, composes by addition */
	MNR_LEDGER_EPSILON = 2, /* pure DP, composes by addition */
};

/* One spend.  All strings are borrowed for the call. */
struct mnr_ledger_request {
	const char *dataset;  /* SHA-256 fingerprint, 64 lower-case hex digits */
	const char *unit;     /* privacy unit, [a-z0-9_]{1,32}, e.g. "person", "row" */
	int budget_kind;      /* enum mnr_ledger_kind, or 0: use the recorded budget */
	struct mnr_rational budget; /* total budget; recorded on the key's first spend,
				       must equal the recorded one afterwards */
	const char *mechanism;/* [a-z0-9_]{1,32}, e.g. "discrete_gaussian" */
	int cost_kind;        /* enum mnr_ledger_kind of cost */
	struct mnr_rational cost; /* > 0 */
	const char *label;    /* optional note (printable ASCII, <= 200 bytes);
				 must never contain a data value */
};

struct mnr_ledger_receipt {
	uint64_t seq;                   /* entry number (1-based line) */
	char hash[65];                  /* entry hash: the ledger entry id */
	int budget_kind;                /* enum mnr_ledger_kind */
	struct mnr_rational budget;     /* the key's total */
	struct mnr_rational charged;    /* this spend, in the budget's kind */
	struct mnr_rational spent;      /* the key's total after this spend */
};

/*
 * Charge one release against the ledger at path (created with mode 0600
 * if missing).  Cost conversion: a pure epsilon-DP release charged to a
 * rho budget costs epsilon^2/2 (Bun & Steinke 2016, Prop. 1.4); a rho-zCDP
 * release cannot be charged to an epsilon budget (refused).
 * Returns MNR_OK only after the entry is written and fsync'd; then *out is
 * filled.  Errors (nothing written, *out untouched):
 *   MNR_EINVAL   malformed request (rule "ledger-request");
 *   MNR_EPRIVACY the spend would exceed the budget, no budget is recorded
 *                or given, the budget differs from the recorded one, or a
 *                zCDP cost meets an epsilon budget (rule "budget");
 *   MNR_EDATA    the ledger fails verification (see mnr_ledger_verify);
 *   MNR_ENOINPUT / MNR_EIO  open, lock, read, write or fsync failed (a
 *                partial append is truncated away before returning).
 */
int mnr_ledger_spend(const char *path, const struct mnr_ledger_request *req,
		     struct mnr_ledger_receipt *out, struct mnr_error *err);

struct mnr_ledger_account {
	char dataset[65];
	char unit[33];
	int budget_kind;             /* enum mnr_ledger_kind */
	struct mnr_rational budget;
	struct mnr_rational spent;   /* sum of charges, exact */
	uint64_t releases;           /* number of spend entries */
};

struct mnr_ledger_summary {
	uint64_t entries;       /* lines in the ledger */
	char tip[65];           /* hash of the last entry (64 zeros when empty);
				   record it elsewhere to detect later removal
				   of whole trailing lines */
	size_t naccounts;
	struct mnr_ledger_account *accounts; /* owned; mnr_ledger_summary_free */
};

/*
 * Verify the ledger at path under a shared lock and total it per key.
 * Detects: a torn (incomplete) last line, a line that is not an entry,
 * a broken hash or chain link, a sequence gap, a spend before its key's
 * budget, a second budget for a key, and a key whose spends exceed its
 * budget.  A torn last line is refused (rule "ledger-torn"), not treated
 * as unspent: the message gives the byte offset to truncate at once the
 * operator has confirmed that no values of that release were published.
 * Returns MNR_OK (summary filled; free it), MNR_ENOINPUT, MNR_EIO,
 * MNR_ENOMEM, or MNR_EDATA with err->line set to the offending line and
 * err->rule one of "ledger-torn", "ledger-entry", "ledger-chain",
 * "ledger-budget"; the summary is empty on error.
 */
int mnr_ledger_verify(const char *path, struct mnr_ledger_summary *out,
		      struct mnr_error *err);

/* Free the accounts of a summary (s may be NULL). */
void mnr_ledger_summary_free(struct mnr_ledger_summary *s);

/* "rho" / "epsilon" (static text), "unknown" otherwise. */
const char *mnr_ledger_kind_name(int kind);

#endif
