# Reference values for tests/unit/test_did.c, computed independently of the
# C code: TWFE and 2x2 with lm + sandwich::vcovCL(type = "HC1") (CR1 by
# unit), and Callaway & Sant'Anna (2021) ATT(g,t) as 2x2 comparisons of
# means with their influence functions and the did::aggte aggregations
# (weights with the estimated-weight term), written from the paper.
# Run:  Rscript did_reference.R   (writes did_data.csv and did_ref.h)
suppressMessages({ library(sandwich); library(MASS) })
options(digits = 17)
set.seed(20260501)

# 12 units x 10 periods; cohorts 3 (one unit), 5 (three), 7 (two), never (six);
# unit 11 adopts at period 1 (always treated).
N <- 12; TT <- 10
adopt <- c(3, 5, 5, 5, 7, 7, Inf, Inf, Inf, Inf, Inf, 1)
d <- expand.grid(period = 1:TT, unit = 0:(N - 1))
d <- d[, c("unit", "period")]
alpha <- rnorm(N, 5, 1); lambda <- cumsum(rnorm(TT, 0.2, 0.3))
d$g <- adopt[d$unit + 1]
e <- d$period - d$g
d$y <- alpha[d$unit + 1] + lambda[d$period] +
  ifelse(e >= 0, 1 + 0.5 * e, 0) + rnorm(nrow(d), 0, 0.5)
d$pop <- round(runif(N, 2e5, 5e6))[d$unit + 1]
d$count <- rpois(nrow(d), d$pop / 1e4 * exp(0.1 * (e >= 0) * (1 + 0.1 * pmax(e, 0))))
# Unbalanced variant: these 0-based rows are missing.
drop <- c(3, 17, 25, 44, 58, 71, 90, 103)
write.csv(d, "did_data.csv", row.names = FALSE)

twfe <- function(dd) {
  dd$D <- as.numeric(dd$period >= dd$g)
  m <- lm(y ~ D + factor(unit) + factor(period), data = dd)
  v <- vcovCL(m, cluster = ~unit, type = "HC1")
  c(coef(m)[["D"]], sqrt(v["D", "D"]))
}

dd2x2 <- function(dd, g, control, delta = 0) {
  pmax <- max(dd$period); pmin <- min(dd$period)
  G <- ifelse(dd$g > pmax, Inf, dd$g)
  tr <- G == g
  ct <- is.infinite(G) | (control == "notyet" & G > g)
  end <- pmax
  if (control == "notyet") {
    later <- unique(G[is.finite(G) & G > g])
    if (length(later)) end <- min(end, min(later) - delta - 1)
  }
  s <- dd[(tr | ct) & (dd$period <= g - delta - 1 | (dd$period >= g & dd$period <= end)), ]
  s$treat <- as.numeric(s$g == g); s$post <- as.numeric(s$period >= g)
  m <- lm(y ~ treat * post, data = s)
  v <- vcovCL(m, cluster = ~unit, type = "HC1")
  mm <- tapply(s$y, list(s$treat, s$post), mean)
  c(coef(m)[["treat:post"]], sqrt(v["treat:post", "treat:post"]),
    mm["1", "0"], mm["1", "1"], mm["0", "0"], mm["0", "1"], end)
}

cs <- function(dd, control = "never", delta = 0) {
  pmin <- min(dd$period); pmax <- max(dd$period)
  units <- sort(unique(dd$unit))
  Gu <- sapply(units, function(u) dd$g[dd$unit == u][1])
  Gu[Gu > pmax] <- Inf
  keep <- !(Gu <= pmin)
  units <- units[keep]; Gu <- Gu[keep]; n <- length(units)
  Y <- matrix(NA_real_, n, pmax - pmin + 1)
  for (k in seq_len(nrow(dd))) {
    i <- match(dd$unit[k], units)
    if (!is.na(i)) Y[i, dd$period[k] - pmin + 1] <- dd$y[k]
  }
  cohorts <- sort(unique(Gu[is.finite(Gu)]))
  pg <- sapply(cohorts, function(g) mean(Gu == g))
  cells <- data.frame(); PSI <- matrix(0, n, 0)
  for (ci in seq_along(cohorts)) for (t in (pmin + 1):pmax) {
    g <- cohorts[ci]
    base <- if (t >= g - delta) g - delta - 1 else t - 1
    if (base < pmin) next
    hi <- max(t, base)
    dy <- Y[, t - pmin + 1] - Y[, base - pmin + 1]
    tr <- Gu == g & !is.na(dy)
    ct <- (is.infinite(Gu) | (control == "notyet" & Gu != g & Gu > hi + delta)) & !is.na(dy)
    if (!any(tr) || !any(ct)) next
    psi <- numeric(n)
    psi[tr] <- n / sum(tr) * (dy[tr] - mean(dy[tr]))
    psi[ct] <- -n / sum(ct) * (dy[ct] - mean(dy[ct]))
    cells <- rbind(cells, data.frame(g = g, t = t, ci = ci,
      att = mean(dy[tr]) - mean(dy[ct]), se = sqrt(sum(psi^2)) / n,
      ntr = sum(tr)))
    PSI <- cbind(PSI, psi)
  }
  agg <- function(att, psi, coh, equal, wif) {
    if (length(att) == 0) return(list(est = NA, se = NA, inf = rep(0, n)))
    psi <- matrix(psi, nrow = n); m <- length(att)
    w <- if (equal) rep(1 / m, m) else pg[coh] / sum(pg[coh])
    f <- psi %*% w
    if (wif) {
      S <- sum(pg[coh])
      if1 <- matrix(sapply(seq_len(m), function(k) (1 * (Gu == cohorts[coh[k]]) - pg[coh[k]]) / S), nrow = n)
      if2 <- rowSums(matrix(sapply(seq_len(m), function(k) 1 * (Gu == cohorts[coh[k]]) - pg[coh[k]]), nrow = n)) %*% t(pg[coh] / S^2)
      f <- f + (if1 - if2) %*% att
    }
    se <- sqrt(sum(f^2)) / n
    # One cohort of one unit: no standard error (its own variation is
    # absent from the influence function).
    if (length(unique(coh)) == 1 && sum(Gu == cohorts[coh[1]]) == 1) se <- NA
    list(est = sum(w * att), se = se, inf = as.vector(f))
  }
  ev <- sort(unique(cells$t - cells$g))
  event <- lapply(ev, function(e) { k <- which(cells$t - cells$g == e)
    agg(cells$att[k], PSI[, k], cells$ci[k], FALSE, TRUE) })
  coh <- lapply(seq_along(cohorts), function(ci) { k <- which(cells$ci == ci & cells$t >= cells$g)
    agg(cells$att[k], PSI[, k], cells$ci[k], TRUE, FALSE) })
  cal_t <- (pmin + 1):pmax; cal_t <- cal_t[cal_t >= min(cohorts)]
  cal <- lapply(cal_t, function(t) { k <- which(cells$t == t & cells$g <= t)
    agg(cells$att[k], PSI[, k], cells$ci[k], FALSE, TRUE) })
  overall <- agg(sapply(coh, `[[`, "est"), sapply(coh, `[[`, "inf"),
                 seq_along(cohorts), FALSE, TRUE)
  post <- which(ev >= 0)
  epinf <- rowMeans(matrix(sapply(event[post], `[[`, "inf"), nrow = n))
  event_post <- c(mean(sapply(event[post], `[[`, "est")), sqrt(sum(epinf^2)) / n)
  pre <- which(ev < -delta & !is.na(sapply(event, `[[`, "se")))
  A <- matrix(sapply(event[pre], `[[`, "inf"), nrow = n)
  th <- sapply(event[pre], `[[`, "est")
  V <- crossprod(A) / n^2
  sv <- svd(V)$d
  W <- as.numeric(t(th) %*% ginv(V) %*% th)
  list(cells = cells, ev = ev, event = event, cohorts = cohorts, coh = coh,
       cal_t = cal_t, cal = cal, overall = overall, event_post = event_post,
       pre = c(W, sum(sv > sqrt(.Machine$double.eps) * sv[1])))
}

# ---- emit the C header ---------------------------------------------------
out <- file("did_ref.h", "w")
w <- function(...) cat(..., "\n", sep = "", file = out)
num <- function(x) ifelse(is.na(x), "NAN", ifelse(is.infinite(x), "NEVER", formatC(x, digits = 17, format = "g")))
arr <- function(type, name, x) w("static const ", type, " ", name, "[] = {", paste(num(x), collapse = ", "), "};")
w("/* Generated by did_reference.R (R ", R.version$major, ".", R.version$minor,
  ", sandwich ", as.character(packageVersion("sandwich")), "); do not edit. */")
w("#define NEVER MNR_DID_NEVER")
w("#define REF_N_UNITS ", N)
w("#define REF_N_OBS ", nrow(d))
arr("size_t", "ref_unit", d$unit); arr("long", "ref_period", d$period)
arr("double", "ref_y", d$y); arr("double", "ref_pop", d$pop)
arr("double", "ref_count", d$count)
arr("long", "ref_adopt", adopt); arr("size_t", "ref_drop", drop)
w("#define REF_N_DROP ", length(drop))
db <- d[-(drop + 1), ]
t1 <- twfe(d); t2 <- twfe(db)
arr("double", "ref_twfe_bal", t1); arr("double", "ref_twfe_unbal", t2)
arr("double", "ref_2x2_g5_never", dd2x2(d, 5, "never"))
arr("double", "ref_2x2_g5_notyet", dd2x2(d, 5, "notyet"))
arr("double", "ref_2x2_g5_never_unbal", dd2x2(db, 5, "never"))
emit_cs <- function(tag, r) {
  c <- r$cells
  arr("long", paste0(tag, "_cell_g"), c$g); arr("long", paste0(tag, "_cell_t"), c$t)
  arr("double", paste0(tag, "_cell_att"), c$att); arr("double", paste0(tag, "_cell_se"), c$se)
  arr("size_t", paste0(tag, "_cell_ntr"), c$ntr)
  w("#define ", toupper(tag), "_NCELL ", nrow(c))
  arr("long", paste0(tag, "_ev"), r$ev)
  arr("double", paste0(tag, "_ev_est"), sapply(r$event, `[[`, "est"))
  arr("double", paste0(tag, "_ev_se"), sapply(r$event, `[[`, "se"))
  w("#define ", toupper(tag), "_NEV ", length(r$ev))
  arr("long", paste0(tag, "_coh"), r$cohorts)
  arr("double", paste0(tag, "_coh_est"), sapply(r$coh, `[[`, "est"))
  arr("double", paste0(tag, "_coh_se"), sapply(r$coh, `[[`, "se"))
  w("#define ", toupper(tag), "_NCOH ", length(r$cohorts))
  arr("long", paste0(tag, "_cal"), r$cal_t)
  arr("double", paste0(tag, "_cal_est"), sapply(r$cal, `[[`, "est"))
  arr("double", paste0(tag, "_cal_se"), sapply(r$cal, `[[`, "se"))
  w("#define ", toupper(tag), "_NCAL ", length(r$cal_t))
  arr("double", paste0(tag, "_overall"), c(r$overall$est, r$overall$se))
  arr("double", paste0(tag, "_event_post"), r$event_post)
  arr("double", paste0(tag, "_pre"), r$pre)
}
emit_cs("cs_never", cs(d, "never"))
emit_cs("cs_notyet_a1", cs(d, "notyet", 1))
emit_cs("cs_unbal", cs(db, "never"))
dl <- d; dl$y <- log(dl$count / dl$pop * 1e5)
emit_cs("cs_lograte", cs(dl, "notyet"))
close(out)
