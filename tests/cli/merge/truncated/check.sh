#!/bin/sh
test ! -e "$TMP/panel.csv"
