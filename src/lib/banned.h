/*
 * Unsafe or locale/global-state libc calls turned into compile errors
 * (git's banned.h).  Include last in library .c files.
 */
#ifndef MNR_BANNED_H
#define MNR_BANNED_H

#define BANNED(func) sorry_##func##_is_banned_in_mnrstat

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef atof
#define atof(x) BANNED(atof)
#undef atol
#define atol(x) BANNED(atol)
#undef gets
#define gets(x) BANNED(gets)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef rand
#define rand() BANNED(rand)
#undef exit
#define exit(x) BANNED(exit)

#endif
