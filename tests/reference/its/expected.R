# Expected values for the ITS unit tests (tests/unit/test_regress.c and
# test_its.c), computed with R: lm, glm (poisson / quasipoisson),
# MASS::glm.nb, sandwich::NeweyWest, lmtest::bgtest / dwtest, Box.test.
# Run from this directory: Rscript expected.R > expected.csv
#
# Conventions (the C library follows the same ones):
# - terms: (Intercept), time = month - first + 1, level_change /
#   slope_change per intervention (from intervention + phase-in), then
#   month02..month12 or sin1, cos1, .. (calendar month c = 0..11,
#   sin(2 pi k c / 12), cos(..)).
# - Newey-West: NeweyWest(fit, lag = L, prewhite = FALSE, adjust = A),
#   Bartlett weights.  Across missing months (series b) lags are counted in
#   months: the estimating functions are padded with zero rows at missing
#   months before the Bartlett sum (function nw_gap below, which is checked
#   against sandwich::NeweyWest on the gap-free series a).
# - Prais-Winsten: written out below (the prais / orcutt packages are not
#   used): iterated, first observation kept (scaled by sqrt(1 - rho^2)),
#   rho = sum e_t e_{t-1} / sum e_{t-1}^2 over consecutive months; across a
#   gap of d months the exact AR(1) transform.  nlme::gls(corAR1) is ML,
#   not Prais-Winsten, so it is not used as the reference.
# - inference: t(n - k) for ols (all errors) and quasipoisson, z for
#   poisson and negbin; 95% intervals.
# - diagnostics on residuals: ols raw, prais-winsten whitened, glm Pearson.
suppressMessages({ library(sandwich); library(lmtest); library(MASS) })
options(digits = 17)

mi <- function(s) as.integer(substr(s, 1, 4)) * 12 + as.integer(substr(s, 6, 7)) - 1
fmt <- function(m) sprintf("%04d-%02d", m %/% 12, m %% 12 + 1)
out <- function(case, q, i, v) {
  for (j in seq_along(v))
    cat(sprintf("%s,%s,%d,%.17g\n", case, q, i + j - 1, v[j]))
}
ctl <- glm.control(epsilon = 1e-14, maxit = 200)

read_series <- function(f) {
  d <- read.csv(f, colClasses = "character")
  data.frame(m = mi(d$month), y = suppressWarnings(as.numeric(d$y)),
             pop = suppressWarnings(as.numeric(d$population)))
}

design_row <- function(m, first, post, impact, season, K, cf = FALSE) {
  x <- c(1, m - first + 1)
  for (p in post) {
    on <- !cf && m >= p
    if (grepl("level", impact)) x <- c(x, as.numeric(on))
    if (grepl("slope", impact)) x <- c(x, if (on) m - p else 0)
  }
  cal <- m %% 12
  if (season == "months") x <- c(x, as.numeric(cal == 1:11))
  if (season == "fourier") for (k in 1:K) {
    if (k < 6) x <- c(x, sin(2 * pi * k * cal / 12))
    x <- c(x, cos(2 * pi * k * cal / 12))
  }
  x
}

nw_gap <- function(fit, times, L, adjust) {
  meat_gap <- function(x, ...) {
    U <- estfun(x); n <- nrow(U); k <- ncol(U)
    full <- matrix(0, max(times) - min(times) + 1, k)
    full[times - min(times) + 1, ] <- U
    N <- nrow(full); S <- crossprod(full)
    for (l in seq_len(L)) if (l < N) {
      G <- crossprod(full[1:(N - l), , drop = FALSE], full[(l + 1):N, , drop = FALSE])
      S <- S + (1 - l / (L + 1)) * (G + t(G))
    }
    if (adjust) S <- S * n / (n - k)
    S / n
  }
  sandwich(fit, meat. = meat_gap)
}

pw_transform <- function(y, X, times, r) {
  n <- length(y); ys <- y; Xs <- X
  ys[1] <- sqrt(1 - r^2) * y[1]; Xs[1, ] <- sqrt(1 - r^2) * X[1, ]
  for (i in 2:n) {
    d <- times[i] - times[i - 1]; a <- r^d
    s <- if (d == 1) 1 else sqrt((1 - r^2) / (1 - a^2))
    ys[i] <- s * (y[i] - a * y[i - 1]); Xs[i, ] <- s * (X[i, ] - a * X[i - 1, ])
  }
  list(y = ys, X = Xs)
}

prais_winsten <- function(y, X, times, tol = 1e-12, maxit = 200) {
  b <- qr.coef(qr(X), y); rho <- 0
  ok <- which(diff(times) == 1)
  for (it in 1:maxit) {
    e <- as.vector(y - X %*% b)
    rn <- sum(e[ok + 1] * e[ok]) / sum(e[ok]^2)
    tr <- pw_transform(y, X, times, rn)
    b <- qr.coef(qr(tr$X), tr$y)
    done <- abs(rn - rho) <= tol * (abs(rn) + tol)
    rho <- rn
    if (done) break
  }
  f <- lm(tr$y ~ 0 + tr$X)
  list(coef = coef(f), vcov = vcov(f), rho = rho, resid = residuals(f))
}

bg_manual <- function(r, X, p) {
  n <- length(r); if (n <= ncol(X) + p) return(NA)
  Z <- sapply(1:p, function(l) c(rep(0, l), r[1:(n - l)]))
  aux <- lm.fit(cbind(X, Z), r)
  if (aux$rank < ncol(X) + p) return(NA)
  n * sum(aux$fitted.values^2) / sum(r^2)
}

# Central-difference gradient (independent of the analytic gradients in C).
numgrad <- function(f, b) {
  sapply(seq_along(b), function(j) {
    h <- 1e-5 * max(abs(b[j]), 1e-2); e <- replace(numeric(length(b)), j, h)
    (f(b + e) - f(b - e)) / (2 * h)
  })
}

run_case <- function(case, d, iv, phase, model, errors, season, K = 0,
                     lag = -1, adjust = FALSE, impact = "level+slope") {
  first <- min(d$m); last <- max(d$m); post <- iv + phase
  offset <- model != "ols"
  drop <- rep(FALSE, nrow(d))
  for (j in seq_along(iv)) drop <- drop | (d$m >= iv[j] & d$m < post[j])
  use <- !drop & !is.na(d$y) & (if (offset) !is.na(d$pop) else TRUE)
  g <- d[use, ]
  X <- t(sapply(g$m, design_row, first = first, post = post, impact = impact,
                season = season, K = K))
  y <- g$y; n <- nrow(X); k <- ncol(X)
  off <- if (offset) log(g$pop) else rep(0, n)
  gaps <- any(diff(g$m) != 1)
  if (lag < 0) lag <- floor(4 * (n / 100)^(2 / 9))
  theta <- NA; rho <- NA; disp <- NA
  if (model == "ols" && errors == "prais-winsten") {
    pw <- prais_winsten(y, X, g$m); b <- pw$coef; V <- pw$vcov; rho <- pw$rho
    r <- pw$resid; disp <- sum(r^2) / (n - k)
  } else {
    fit <- switch(model,
      ols = lm(y ~ 0 + X),
      poisson = glm(y ~ 0 + X, family = poisson, offset = off, control = ctl),
      quasipoisson = glm(y ~ 0 + X, family = quasipoisson, offset = off, control = ctl),
      negbin = glm.nb(y ~ 0 + X + offset(off), control = glm.control(epsilon = 1e-11, maxit = 500)))
    b <- coef(fit)
    r <- if (model == "ols") residuals(fit) else residuals(fit, type = "pearson")
    disp <- if (model == "ols") summary(fit)$sigma^2 else summary(fit)$dispersion
    if (model == "negbin") { theta <- fit$theta; out(case, "theta_se", 0, fit$SE.theta) }
    if (errors == "classic") V <- vcov(fit)
    else {
      V <- if (gaps) nw_gap(fit, g$m, lag, adjust)
           else NeweyWest(fit, lag = lag, prewhite = FALSE, adjust = adjust)
      if (!gaps) stopifnot(isTRUE(all.equal(V, nw_gap(fit, g$m, lag, adjust),
                                            tolerance = 1e-12)))
    }
    if (model == "ols") {
      stopifnot(abs(dwtest(fit)$statistic - sum(diff(r)^2) / sum(r^2)) < 1e-12)
      stopifnot(abs(bgtest(fit, order = 1)$statistic - bg_manual(r, X, 1)) < 1e-9)
    }
  }
  dfi <- if (model %in% c("poisson", "negbin")) Inf else n - k
  crit <- if (is.finite(dfi)) qt(0.975, dfi) else qnorm(0.975)
  se <- sqrt(diag(V)); st <- b / se
  p <- if (is.finite(dfi)) 2 * pt(-abs(st), dfi) else 2 * pnorm(-abs(st))
  out(case, "n_obs", 0, n); out(case, "k", 0, k)
  out(case, "coef", 0, b); out(case, "se", 0, se); out(case, "p", 0, p)
  out(case, "ci_low", 0, b - crit * se); out(case, "ci_high", 0, b + crit * se)
  out(case, "dispersion", 0, disp)
  if (model != "ols") out(case, "pearson_dispersion", 0, sum(r^2) / (n - k))
  if (!is.na(theta)) out(case, "theta", 0, theta)
  if (!is.na(rho)) out(case, "rho", 0, rho)
  if (errors == "newey-west") out(case, "nw_lag", 0, lag)
  # Diagnostics.
  out(case, "dw", 0, sum(diff(r)^2) / sum(r^2))
  bg1 <- bg_manual(r, X, 1); bg12 <- bg_manual(r, X, 12)
  out(case, "bg1", 0, bg1); out(case, "bg1_p", 0, pchisq(bg1, 1, lower.tail = FALSE))
  if (!is.na(bg12)) {
    out(case, "bg12", 0, bg12); out(case, "bg12_p", 0, pchisq(bg12, 12, lower.tail = FALSE))
  }
  h <- min(12, max(1, floor(n / 4)))
  lb <- Box.test(r, lag = h, type = "Ljung-Box")
  out(case, "lb_lag", 0, h); out(case, "lb", 0, lb$statistic); out(case, "lb_p", 0, lb$p.value)
  # Counterfactual and fitted values for every month from the first intervention.
  loglink <- model != "ols"
  for (mm in iv[1]:last) {
    i <- mm - iv[1]
    pop <- d$pop[match(mm, d$m)]
    o <- if (offset) log(pop) else 0
    if (is.na(o)) next
    for (cf in c(FALSE, TRUE)) {
      x <- design_row(mm, first, post, impact, season, K, cf)
      e <- sum(x * b); q <- drop(t(x) %*% V %*% x)
      # A month fitted exactly (its calendar-month term has one observation)
      # has a variance at rounding level: no meaningful reference value.
      if (q < 1e-14 * max(1, e^2)) next
      s <- sqrt(q)
      v <- c(e, e - crit * s, e + crit * s) + o
      if (loglink) v <- exp(v)
      out(case, if (cf) "cf" else "fit", 3 * i, v)
    }
  }
  # Effects over the fitted post months (numerical gradients).
  P <- which(g$m >= post[1]); L <- max(P)
  X1 <- t(sapply(g$m[P], design_row, first = first, post = post, impact = impact,
                 season = season, K = K))
  X0 <- t(sapply(g$m[P], design_row, first = first, post = post, impact = impact,
                 season = season, K = K, cf = TRUE))
  oP <- off[P]; ln <- length(P)
  h1 <- function(bb) { e <- drop(X1 %*% bb) + oP; if (loglink) exp(e) else e }
  h0 <- function(bb) { e <- drop(X0 %*% bb) + oP; if (loglink) exp(e) else e }
  lin <- function(f, name) {
    est <- f(b); gr <- numgrad(f, b); s <- sqrt(drop(t(gr) %*% V %*% gr))
    out(case, name, 0, c(est, s, est - crit * s, est + crit * s))
  }
  logr <- function(f, name) {
    est <- f(b); gr <- numgrad(f, b); s <- sqrt(drop(t(gr) %*% V %*% gr))
    out(case, name, 0, c(exp(est) - 1, exp(est) * s, exp(est - crit * s) - 1,
                         exp(est + crit * s) - 1))
  }
  lin(function(bb) h1(bb)[ln] - h0(bb)[ln], "end_abs")
  lin(function(bb) sum(h1(bb)) - sum(h0(bb)), "cum_abs")
  if (loglink) {
    logr(function(bb) log(h1(bb)[ln] / h0(bb)[ln]), "end_rel")
    logr(function(bb) log(sum(h1(bb)) / sum(h0(bb))), "cum_rel")
  } else {
    lin(function(bb) h1(bb)[ln] / h0(bb)[ln] - 1, "end_rel")
    lin(function(bb) sum(h1(bb)) / sum(h0(bb)) - 1, "cum_rel")
  }
}

cat("case,quantity,index,value\n")
series <- list(
  a = list(d = read_series("series_a.csv"), iv = mi("2020-01"), phase = 0,
           models = c("ols", "poisson", "quasipoisson", "negbin")),
  b = list(d = read_series("series_b.csv"), iv = mi(c("2019-01", "2020-07")), phase = 0,
           models = c("ols", "poisson", "quasipoisson", "negbin")),
  c = list(d = read_series("series_c.csv"), iv = mi("2022-09"), phase = 2,
           models = "ols"))
seasons <- list(none = c("none", 0), months = c("months", 0), fourier2 = c("fourier", 2))
for (sn in names(series)) {
  s <- series[[sn]]
  for (model in s$models) for (errors in c("classic", "newey-west", "prais-winsten")) {
    if (errors == "prais-winsten" && model != "ols") next
    for (se in names(seasons)) {
      case <- paste(sn, model, errors, se, sep = "/")
      run_case(case, s$d, s$iv, s$phase, model, errors, seasons[[se]][1],
               as.integer(seasons[[se]][2]))
    }
  }
}
# Extra variants: a given lag with the small-sample adjustment, level-only
# and slope-only impact models.
sa <- series$a
run_case("a/ols/newey-west:2:adjust/none", sa$d, sa$iv, 0, "ols", "newey-west", "none", lag = 2, adjust = TRUE)
run_case("a/negbin/newey-west:5:adjust/months", sa$d, sa$iv, 0, "negbin", "newey-west", "months", lag = 5, adjust = TRUE)
run_case("a/poisson/classic/fourier2/level", sa$d, sa$iv, 0, "poisson", "classic", "fourier", 2, impact = "level")
run_case("a/ols/prais-winsten/none/slope", sa$d, sa$iv, 0, "ols", "prais-winsten", "none", impact = "slope")
