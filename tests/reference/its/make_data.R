# Generates the three small series used by the ITS reference tests.
# Run once: Rscript make_data.R (from this directory).  Deterministic.
set.seed(20260127)
fmt <- function(m) sprintf("%04d-%02d", m %/% 12, m %% 12 + 1)
mi <- function(y, m) y * 12 + m - 1

# a: 48 months of counts with population, one intervention, seasonal.
m <- mi(2018, 1):mi(2021, 12); t <- seq_along(m); cal <- m %% 12
pop <- round(5e6 * (1 + 0.002 * t))
post <- as.numeric(m >= mi(2020, 1)); sl <- pmax(0, m - mi(2020, 1))
mu <- pop * 1.4e-5 * exp(0.006 * t + 0.22 * post + 0.008 * sl + 0.15 * sin(2 * pi * cal / 12))
y <- rnbinom(length(m), mu = mu, size = 25)
write.csv(data.frame(month = fmt(m), y = y, population = pop), "series_a.csv",
          row.names = FALSE, quote = FALSE)

# b: 60 months of counts, two interventions, gaps: 2018-05 has no value,
# 2019-09 and 2021-02 are absent, 2020-03 has a value but no population.
m <- mi(2017, 1):mi(2021, 12); t <- seq_along(m); cal <- m %% 12
pop <- round(2e6 * (1 + 0.001 * t))
p1 <- as.numeric(m >= mi(2019, 1)); s1 <- pmax(0, m - mi(2019, 1))
p2 <- as.numeric(m >= mi(2020, 7)); s2 <- pmax(0, m - mi(2020, 7))
e <- as.numeric(arima.sim(list(ar = 0.4), n = length(m), sd = 0.15))
mu <- pop * 1.2e-5 * exp(0.004 * t + 0.3 * p1 - 0.01 * s1 - 0.2 * p2 + 0.012 * s2 +
                         0.1 * cos(2 * pi * cal / 12) + e)
y <- rpois(length(m), mu)
d <- data.frame(month = fmt(m), y = as.character(y), population = as.character(pop))
d$y[d$month == "2018-05"] <- ""
d$population[d$month == "2020-03"] <- ""
d <- d[!(d$month %in% c("2019-09", "2021-02")), ]
write.csv(d, "series_b.csv", row.names = FALSE, quote = FALSE)

# c: 24 months of a continuous measure (median hours to removal) with
# AR(1) noise, intervention 2022-09, used with a 2-month phase-in.
m <- mi(2022, 1):mi(2023, 12); t <- seq_along(m); cal <- m %% 12
e <- as.numeric(arima.sim(list(ar = 0.5), n = length(m), sd = 2))
pst <- as.numeric(m >= mi(2022, 11)); sl <- pmax(0, m - mi(2022, 11))
y <- round(48 - 0.3 * t - 6 * pst - 0.4 * sl + 1.5 * sin(2 * pi * cal / 12) + e, 2)
write.csv(data.frame(month = fmt(m), y = sprintf("%.2f", y), population = ""),
          "series_c.csv", row.names = FALSE, quote = FALSE)
