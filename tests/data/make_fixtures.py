#!/usr/bin/env python3
"""Regenerate the CSV fixtures of tests/data/ (run from anywhere).

The fixtures are committed; this script documents how the binary ones (NUL
byte, invalid and overlong UTF-8, UTF-16, BOM) were made and rebuilds them
byte for byte.  The tests never run it.  All data are invented: case ids
are random tokens, e-mail domains are example.org/.com/.net (RFC 2606),
phone numbers are Ofcom drama numbers (020 7946 0xxx, 07700 900xxx) and US
555-01xx, IP addresses come from the documentation ranges (RFC 5737,
RFC 3849).
"""
import os
D = os.path.dirname(os.path.abspath(__file__))
os.makedirs(D, exist_ok=True)
H = "case_id,country,source,reported_at,removed_at,closed_at,outcome,victim_age_band,notes"
def w(name, data):
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(D, name), "wb") as f:
        f.write(data)
def cases(name, rows, header=H, eol="\n", final=True):
    s = eol.join([header] + rows)
    if final: s += eol
    w(name, s)

ok = [
 "qx7rt2,GBR,hotline,2020-01-03T10:00:00Z,2020-01-04T08:00:00Z,,referred,13-15,reported by a teacher",
 "mm3kpw,GBR,hotline,2020-01-09,2020-01-09T20:15:00+01:00,,referred,13-15,",
 "zt9vbn,GBR,hotline,2020-01-15 08:30,,2020-03-01,charged,13-15,image hash matched",
 "hy4dsq,GBR,hotline,2020-01-21T23:59:59Z,,,open,13-15,",
 "pl0ajc,GBR,hotline,2020-01-28T12:00:00.250Z,2020-01-28T13:00:00Z,,unknown,13-15,second platform",
]
cases("cases_ok.csv", ok)
cases("crlf.csv", ok, eol="\r\n")
w("bom.csv", b"\xef\xbb\xbf" + ("\n".join([H] + ok) + "\n").encode())
# quoted newline: valid multi-line note, then an error two records later
cases("quoted_newline.csv", [
 ok[0],
 'mm3kpw,GBR,hotline,2020-01-09,,,referred,13-15,"line one of the note\nline two, with a comma\nline three"',
 'zt9vbn,GBR,hotline,2020-01-15,,,referred,13-15,"say ""hi"""',
 'hy4dsq,GBX,hotline,2020-01-21,,,open,13-15,',
])
cases("ragged_long.csv", [ok[0], "mm3kpw,GBR,hotline,2020-01-09,,,referred,13-15,note,extra9field", ok[2]])
cases("ragged_short.csv", [ok[0], "mm3kpw,GBR,hotline,2020-01-09", ok[2]])
cases("unclosed_quote_eof.csv", [ok[0], 'mm3kpw,GBR,hotline,2020-01-09,,,referred,13-15,"never closed note'], final=False)
cases("stray_quote.csv", [ok[0], 'mm3kpw,GB"R,hotline,2020-01-09,,,referred,13-15,'])
cases("quote_then_text.csv", [ok[0], 'mm3kpw,"GBR"x7,hotline,2020-01-09,,,referred,13-15,'])
cases("quote_then_space.csv", [ok[0], 'mm3kpw,"GBR" ,hotline,2020-01-09,,,referred,13-15,'])
cases("bad_date_format.csv", [ok[0], "mm3kpw,GBR,hotline,03/15/2020,,,referred,13-15,", "zt9vbn,GBR,hotline,2020-1-5,,,referred,13-15,", "hy4dsq,GBR,hotline,20200105T1000,,,referred,13-15,"])
cases("feb31.csv", [ok[0], "mm3kpw,GBR,hotline,2020-02-31,,,referred,13-15,"])
cases("feb29_nonleap.csv", ["mm3kpw,GBR,hotline,2020-02-29T11:00:00Z,,,referred,13-15,", "zt9vbn,GBR,hotline,2019-02-29T11:00:00Z,,,referred,13-15,", "hy4dsq,GBR,hotline,2100-02-29,,,referred,13-15,"])
cases("month13.csv", [ok[0], "mm3kpw,GBR,hotline,2020-13-01,,,referred,13-15,", "zt9vbn,GBR,hotline,2020-00-10,,,referred,13-15,"])
cases("bad_time.csv", [ok[0], "mm3kpw,GBR,hotline,2020-01-09T24:00:00Z,,,referred,13-15,", "zt9vbn,GBR,hotline,2020-01-09T10:61Z,,,referred,13-15,"])
cases("bad_offset.csv", [ok[0], "mm3kpw,GBR,hotline,2020-01-09T10:00:00+15:00,,,referred,13-15,", "zt9vbn,GBR,hotline,2020-01-09T10:00:00+0a:00,,,referred,13-15,"])
cases("year_range.csv", [ok[0], "mm3kpw,GBR,hotline,1899-12-31,,,referred,13-15,", "zt9vbn,GBR,hotline,2200-01-01,,,referred,13-15,"])
P = "country,month,metric,value"
def panel(name, rows, header=P):
    w(name, "\n".join([header] + rows) + "\n")
panel("panel_ok.csv", ["GBR,2020-01,reports_total,118", "GBR,2020-02,reports_total,131", "KEN,2020-01,reports_total,42", "KEN,2020-02,reports_total,0"])
panel("panel_not_a_number.csv", ["GBR,2020-01,reports_total,118", "GBR,2020-02,reports_total,NaN", "KEN,2020-01,reports_total,nan"])
panel("panel_inf.csv", ["GBR,2020-01,reports_total,inf", "GBR,2020-02,reports_total,-Infinity", "KEN,2020-01,reports_total,1e999"])
panel("panel_empty_value.csv", ["GBR,2020-01,reports_total,118", "GBR,2020-02,reports_total,", "KEN,2020-01,reports_total,42"])
panel("panel_bad_month.csv", ["GBR,2020-1,reports_total,118", "GBR,2020-13,reports_total,5", "KEN,20-01,reports_total,42"])
panel("panel_text_value.csv", ['GBR,2020-01,reports_total,"12,5"', "GBR,2020-02,reports_total,0x1A", "KEN,2020-01,reports_total,12 ", "KEN,2020-02,reports_total,+-3"])
panel("panel_duplicate_cell.csv", ["GBR,2020-01,reports_total,118", "GBR,2020-02,reports_total,131", "GBR,2020-01,reports_total,119"])
panel("panel_population.csv", ["GBR,2020-01,reports_total,118,-67000000", "GBR,2020-02,reports_total,131,0", "KEN,2020-01,reports_total,42,54000000"], header=P + ",population")
w("empty.csv", b"")
w("header_only.csv", H + "\n")
w("duplicate_header.csv", "case_id,country,reported_at,country\nqx7rt2,GBR,2020-01-03,GBR\n")
w("empty_header_name.csv", "case_id,country,,reported_at\nqx7rt2,GBR,x,2020-01-03\n")
w("missing_country.csv", "case_id,source,reported_at\nqx7rt2,hotline,2020-01-03\n")
w("unknown_schema.csv", "alpha,beta,gamma\nfirst1,second2,third3\n")
w("nul_byte.csv", (H + "\n" + ok[0] + "\n").encode() + b"mm3kpw,GBR,hotline,2020-01-09,,,referred,13-15,abc\x00def\n")
w("invalid_utf8.csv", (H + "\n" + ok[0] + "\n").encode() + b"mm3kpw,GBR,hotline,2020-01-09,,,referred,13-15,caf\xe9 note\n")
w("overlong_utf8.csv", (H + "\n").encode() + b"mm3kpw,GBR,hotline,2020-01-09,,,referred,13-15,a\xc0\xafb\n")
w("surrogate_utf8.csv", (H + "\n").encode() + b"mm3kpw,GBR,hotline,2020-01-09,,,referred,13-15,x\xed\xa0\x80y\n")
w("truncated_utf8.csv", (H + "\n").encode() + b"mm3kpw,GBR,hotline,2020-01-09,,,referred,13-15,euro\xe2\x82,\n".replace(b",\n", b"\n"))
w("utf16_bom.csv", b"\xff\xfe" + (H + "\n" + ok[0] + "\n").encode("utf-16-le"))
cases("email_free_text.csv", [ok[0],
 "mm3kpw,GBR,hotline,2020-01-09,,,referred,13-15,parent wrote from jane.doe77@example.org about it",
 'zt9vbn,GBR,hotline,2020-01-15,,,referred,13-15,"contact: <k.smith+x@mail.example.co.uk>"'])
cases("phone_free_text.csv", [ok[0],
 "mm3kpw,GBR,hotline,2020-01-09,,,referred,13-15,call back on +44 20 7946 0958",
 "zt9vbn,GBR,hotline,2020-01-15,,,referred,13-15,mother (020) 7946 0321 evenings",
 "hy4dsq,GBR,hotline,2020-01-21,,,open,13-15,text 07700 900461",
 "pl0ajc,GBR,hotline,2020-01-28,,,open,13-15,US number 202-555-0173 given",
 "rr8wqe,GBR,hotline,2020-01-29,,,open,13-15,ring 07700900987 after school"])
cases("ipv4_free_text.csv", [ok[0], "mm3kpw,GBR,industry,2020-01-09,,,referred,13-15,uploader seen at 203.0.113.77 twice"])
cases("ipv6_free_text.csv", [ok[0], "mm3kpw,GBR,industry,2020-01-09,,,referred,13-15,uploader 2001:db8:4f2a::9c1 logged"])
cases("url_free_text.csv", [ok[0],
 "mm3kpw,GBR,industry,2020-01-09,,,referred,13-15,found on https://files.example.net/a9x7",
 "zt9vbn,GBR,industry,2020-01-15,,,referred,13-15,mirror www.example-mirror.com",
 "hy4dsq,GBR,industry,2020-01-21,,,referred,13-15,hidden service abcxyz2345qrst.onion",
 'pl0ajc,GBR,industry,2020-01-28,,,referred,13-15,"=HYPERLINK(""http://evil.example/q"")"'])
w("identifier_columns.csv",
  "case_id,Name,E-mail,phone_number,Date of Birth,ip_address,Post Code,victim_surname,country,reported_at\n"
  "qx7rt2,,,,,,,,GBR,2020-01-03\n")
cases("birth_date_in_age.csv", [ok[0],
 "mm3kpw,GBR,hotline,2020-01-09,,,referred,2011-04-05,",
 "zt9vbn,GBR,hotline,2020-01-15,,,referred,05/04/2011,"])
cases("removed_before_reported.csv", [ok[0], "mm3kpw,GBR,hotline,2020-01-09T10:00:00Z,2020-01-09T09:59:59Z,,referred,13-15,", "zt9vbn,GBR,hotline,2020-01-15T10:00:00+02:00,2020-01-15T08:30:00Z,,referred,13-15,"])
cases("closed_before_reported.csv", [ok[0], "mm3kpw,GBR,hotline,2020-01-09,,2020-01-08,charged,13-15,"])
cases("open_but_closed.csv", [ok[0], "mm3kpw,GBR,hotline,2020-01-09,,2020-02-08,open,13-15,"])
cases("bad_country.csv", [ok[0], "mm3kpw,XXX,hotline,2020-01-09,,,referred,13-15,", "zt9vbn,UK,hotline,2020-01-15,,,referred,13-15,", "hy4dsq,,hotline,2020-01-21,,,open,13-15,"])
cases("lowercase_country.csv", [ok[0], "mm3kpw,gbr,hotline,2020-01-09,,,referred,13-15,", "zt9vbn,Ken,hotline,2020-01-15,,,referred,13-15,"])
cases("padded_country.csv", [ok[0], "mm3kpw, GBR,hotline,2020-01-09,,,referred,13-15,", 'zt9vbn,"GBR ",hotline,2020-01-15,,,referred,13-15,'])
cases("unknown_enum.csv", [ok[0], "mm3kpw,GBR,twitter,2020-01-09,,,guilty,teen,"])
cases("enum_case.csv", [ok[0], "mm3kpw,GBR,Hotline,2020-01-09,,,REFERRED,13-15,"])
cases("empty_reported.csv", [ok[0], "mm3kpw,GBR,hotline,,,,referred,13-15,"])
w("adoption_ok.csv", "country,mnr_start\nGBR,2015-06\nKEN,2016-09\nFRA,\n")
w("adoption_duplicate.csv", "country,mnr_start\nGBR,2015-06\nKEN,2016-09\nGBR,2017-01\n")
w("adoption_bad_month.csv", "country,mnr_start\nGBR,2015-6\nKEN,June 2016\nFRA,2016-09-01\n")
cases("k_anonymity.csv", ok + [
 "rr8wqe,KEN,police,2020-01-05,,,referred,0-12,",
 "ww2nmz,KEN,police,2020-01-06,,,referred,0-12,",
 "bb6yui,FRA,helpline,2020-02-11,,,open,16-17,"])
cases("no_false_positives.csv", [
 "qx7rt2,GBR,hotline,2020-01-03T10:00:00Z,2020-01-04T08:00:00+01:00,,referred,13-15,seen 2020-01-15 and 2020-01-16T10:00:00Z",
 "mm3kpw,GBR,hotline,2020-01-09,,,referred,13-15,ref 2020-000123-45 between 1000-2000 files",
 "zt9vbn,GBR,hotline,2020-01-15,,,referred,13-15,score 12345.678 from 15/01/2020 at 10:30:45",
 "hy4dsq,GBR,hotline,2020-01-21,,,open,13-15,version v1.2.3.4 and @handle and and/or",
 "pl0ajc,GBR,hotline,2020-01-28,,,unknown,13-15,years 2012 - 2015 - 2018; total 1234567",
])
# A file breaking many rules at once (all collected).
cases("many_problems.csv", [
 ok[0],
 "mm3kpw,gbr,twitter,2020-02-31,,,referred,13-15,mail me: tom.h@example.com",
 "zt9vbn,GBR,hotline,2020-01-15T10:00Z,2020-01-15T09:00Z,,open,2009-09-09,+44 7700 900123",
 "hy4dsq,XYZ,hotline,2019-02-29,,2019-01-01,open,13-15,http://example.org/p",
 "pl0ajc,GBR,police,,,,referred,adult,from 198.51.100.23",
 "rr8wqe,ZZZ,other,2020-01-01,,,referred,unknown,",
 "ww2nmz,QQQ,other,2020-01-01,,,referred,unknown,",
 "bb6yui,WWW,other,2020-01-01,,,referred,unknown,",
 "cc1xyz,VVV,other,2020-01-01,,,referred,unknown,",
 "dd2xyz,UUU,other,2020-01-01,,,referred,unknown,",
 "ee3xyz,TTT,other,2020-01-01,,,referred,unknown,",
])
w("mapped.csv", "ref,iso3,channel,date_received,outcome\nqx7rt2,GBR,hotline,2020-01-03,referred\nmm3kpw,GBR,hotline,2020-01-04,referred\n")
# Hostile but anonymous content: must pass, and must never be echoed.
cases("hostile_values.csv", [
 'qx7rt2,GBR,hotline,2020-01-03,,,referred,13-15,"=cmd|\' /C calc\'!A0"',
 "mm3kpw,GBR,hotline,2020-01-04,,,referred,13-15,\x1b[31mred\x1b[0m terminal escape",
 'zt9vbn,GBR,hotline,2020-01-05,,,referred,13-15,"%s%n%x format string"',
 "hy4dsq,GBR,hotline,2020-01-06,,,referred,13-15,../../etc/passwd",
 "pl0ajc,GBR,hotline,2020-01-07,,,referred,13-15,\u202eright-to-left override",
])
w("bom_only.csv", b"\xef\xbb\xbf")
cases("enum_whitespace.csv", [ok[0], "mm3kpw,GBR, hotline,2020-01-09,,,referred,13-15 ,"])
w("tab_separated.csv", H.replace(",", "\t") + "\n" + ok[0].replace(",", "\t") + "\n")
w("binary.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")
w("html_page.csv", "<!DOCTYPE html>\n<html><head><title>Reports</title></head>\n<body><a href=\"https://portal.example.gov/login\">log in</a></body></html>\n")
cases("quoted_empty_required.csv", [ok[0], 'mm3kpw,"",hotline,"",,,referred,13-15,'])
cases("email_unicode.csv", [ok[0], "mm3kpw,GBR,hotline,2020-01-09,,,referred,13-15,\u0438\u0432\u0430\u043d@\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444 wrote"])
