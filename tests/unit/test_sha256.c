/* SHA-256 against the NIST FIPS 180-4 example vectors (csrc.nist.gov, "SHA256.pdf" / "SHA2_Additional"). */
#include "test_util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mnrstat/sha256.h"

static void hex_of(const void *data, size_t n, char hex[65])
{
	unsigned char d[MNR_SHA256_LEN];

	mnr_sha256(data, n, d);
	mnr_sha256_hex(d, hex);
}

static void test_sha256_nist_vectors(void **state)
{
	static const struct { const char *msg, *hex; } v[] = {
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
		{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
		  "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	};
	char hex[65];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		hex_of(v[i].msg, strlen(v[i].msg), hex);
		assert_string_equal(hex, v[i].hex);
	}
}

static void test_sha256_million_a_streamed(void **state)
{
	/* one million 'a', fed in uneven pieces to exercise the block buffer */
	struct mnr_sha256 c;
	unsigned char d[MNR_SHA256_LEN], chunk[1024];
	char hex[65];
	size_t done = 0, step = 1;

	(void)state;
	memset(chunk, 'a', sizeof(chunk));
	mnr_sha256_init(&c);
	while (done < 1000000) {
		size_t n = step;

		if (n > 1000000 - done)
			n = 1000000 - done;
		mnr_sha256_update(&c, chunk, n);
		done += n;
		step = step % 997 + 13;
	}
	mnr_sha256_final(&c, d);
	mnr_sha256_hex(d, hex);
	assert_string_equal(hex,
		"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_sha256_padding_boundaries(void **state)
{
	/* lengths around the 55/56/64-byte padding edges: streamed == one-shot */
	unsigned char buf[130], d1[32], d2[32];
	size_t n, k;

	(void)state;
	for (k = 0; k < sizeof(buf); k++)
		buf[k] = (unsigned char)(k * 7 + 1);
	for (n = 50; n <= 130; n++) {
		struct mnr_sha256 c;

		mnr_sha256(buf, n, d1);
		mnr_sha256_init(&c);
		for (k = 0; k < n; k++)
			mnr_sha256_update(&c, buf + k, 1);
		mnr_sha256_final(&c, d2);
		assert_memory_equal(d1, d2, 32);
	}
}

static void test_sha256_file(void **state)
{
	char path[] = "/tmp/mnr_sha_XXXXXX", hex[65];
	unsigned char d[32];
	struct mnr_error err;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "abc", 3), 3);
	close(fd);
	mnr_error_clear(&err);
	assert_int_equal(mnr_sha256_file(path, d, &err), MNR_OK);
	mnr_sha256_hex(d, hex);
	assert_string_equal(hex,
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	unlink(path);
	assert_int_equal(mnr_sha256_file(path, d, &err), MNR_ENOINPUT);
	assert_string_equal(err.path, path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_nist_vectors),
		cmocka_unit_test(test_sha256_million_a_streamed),
		cmocka_unit_test(test_sha256_padding_boundaries),
		cmocka_unit_test(test_sha256_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
