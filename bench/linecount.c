/* bench/ingest.sh's floor: count '\n' with memchr over 1 MiB reads. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	static char buf[1 << 20];
	FILE *fp = argc > 1 ? fopen(argv[1], "rb") : stdin;
	unsigned long long n = 0;
	size_t got;

	if (!fp) {
		perror(argv[1]);
		return 66;
	}
	while ((got = fread(buf, 1, sizeof(buf), fp)) > 0) {
		const char *p = buf, *e = buf + got;

		while ((p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
			n++;
			p++;
		}
	}
	printf("%llu\n", n);
	return ferror(fp) ? 74 : 0;
}
