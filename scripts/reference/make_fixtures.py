#!/usr/bin/env python3
"""Reference values for the judge's statistics, computed with SciPy.

Writes JSON fixtures to test/fixtures/judge/. Each file records the command that made it
and the SciPy version. Run from the repository root:

    python3 scripts/reference/make_fixtures.py
"""
import json
import os
import sys

import numpy as np
import scipy
from scipy import stats, special

OUT = os.path.join('test', 'fixtures', 'judge')
COMMAND = 'python3 scripts/reference/make_fixtures.py'


def write(name, cases):
    os.makedirs(OUT, exist_ok=True)
    doc = {'generatedBy': COMMAND, 'scipy': scipy.__version__, 'numpy': np.__version__, 'cases': cases}
    with open(os.path.join(OUT, name), 'w') as f:
        json.dump(doc, f, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {name}: {len(cases)} cases', file=sys.stderr)


def num(v):
    v = float(v)
    return None if np.isnan(v) else v


def mann_whitney():
    rng = np.random.default_rng(20250908)
    samples = [
        ('tiny n=1 vs 1', [1.0], [2.0]),
        ('tiny n=1 vs 3', [0.5], [0.1, 0.2, 0.9]),
        ('tiny n=2 vs 2', [1.0, 3.0], [2.0, 4.0]),
        ('tiny n=3 vs 2 with tie', [0.3, 0.3, 0.7], [0.3, 0.1]),
        ('identical samples', [0.2, 0.4, 0.6], [0.2, 0.4, 0.6]),
        ('all zeros', [0.0] * 5, [0.0] * 8),
        ('all equal nonzero', [1.5] * 3, [1.5] * 3),
        ('heavy ties (rounded)', list(np.round(rng.lognormal(0, 0.5, 40), 1)), list(np.round(rng.lognormal(0.1, 0.5, 60), 1))),
        ('mostly zeros (error %)', [0.0] * 50 + [1.2, 2.5, 0.0, 3.3], [0.0] * 180 + [0.8, 1.1, 2.0, 0.9, 1.0, 1.0]),
        ('shifted lognormal', list(rng.lognormal(0.2, 0.6, 60)), list(rng.lognormal(0.0, 0.6, 240))),
        ('large n with ties', list(np.round(rng.lognormal(0.05, 0.6, 360), 3)), list(np.round(rng.lognormal(0.0, 0.6, 1440), 3))),
        ('large n continuous', list(rng.normal(0.0, 1.0, 2000)), list(rng.normal(0.02, 1.0, 3000))),
        ('x all below y', [1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0]),
    ]
    cases = []
    for name, x, y in samples:
        results = {}
        for alt in ('two-sided', 'greater', 'less'):
            with np.errstate(all='ignore'):
                r = stats.mannwhitneyu(x, y, alternative=alt, method='asymptotic', use_continuity=True)
            results[alt] = {'u': num(r.statistic), 'p': num(r.pvalue)}
        cases.append({'name': name, 'x': [float(v) for v in x], 'y': [float(v) for v in y], 'results': results})
    return cases


def hodges_lehmann():
    rng = np.random.default_rng(7)
    samples = [
        ('n=1 vs 1', [1.0], [0.25]),
        ('odd pairs', [1.0, 2.0, 4.0], [0.5, 3.0, 3.5]),
        ('even pairs', [1.0, 2.0], [0.0, 5.0]),
        ('ties', [0.1, 0.1, 0.1, 0.2], [0.1, 0.1, 0.3]),
        ('all zeros', [0.0] * 30, [0.0] * 40),
        ('identical', [0.2, 0.4, 0.6], [0.2, 0.4, 0.6]),
        ('lognormal 60 vs 240', list(rng.lognormal(0.2, 0.6, 60)), list(rng.lognormal(0.0, 0.6, 240))),
        ('rounded 300 vs 700', list(np.round(rng.lognormal(0.1, 0.4, 300), 2)), list(np.round(rng.lognormal(0.0, 0.4, 700), 2))),
        ('mostly zeros', [0.0] * 50 + [1.2, 2.5, 3.3], [0.0] * 180 + [0.8, 1.1, 2.0]),
    ]
    cases = []
    for name, x, y in samples:
        d = np.sort(np.subtract.outer(np.asarray(x), np.asarray(y)).ravel())
        total = d.size
        ks = sorted({1, total, (total + 1) // 2, max(1, total // 3), max(1, total - total // 5)})
        n1, n2 = len(x), len(y)
        z = stats.norm.ppf(0.99)  # 98% two-sided, Kayenta's confidence
        c = int(np.floor(total / 2 - z * np.sqrt(total * (n1 + n2 + 1) / 12)))
        cases.append({'name': name, 'x': [float(v) for v in x], 'y': [float(v) for v in y],
                      'median': float(np.median(d)), 'kth': [{'k': int(k), 'value': float(d[k - 1])} for k in ks],
                      'moses98': None if c < 1 else {'c': c, 'low': float(d[c - 1]), 'high': float(d[total - c])}})
    return cases


def clopper_pearson():
    cases = []
    for x, n in [(0, 1), (1, 1), (0, 10), (3, 10), (10, 10), (24, 120), (96, 9600), (0, 12000), (5, 1000000), (10000000, 1000000000), (1, 3)]:
        ci = stats.binomtest(x, n).proportion_ci(confidence_level=0.95, method='exact')
        up975 = 1.0 if x == n else float(stats.beta.ppf(0.975, x + 1, n - x))
        lo975 = 0.0 if x == 0 else float(stats.beta.ppf(0.025, x, n - x + 1))
        cases.append({'x': x, 'n': n, 'low': float(ci.low), 'high': float(ci.high), 'upper975': up975, 'lower975': lo975})
    return cases


def binomial_cdf():
    cases = []
    for k, n, p in [(0, 10, 0.2), (2, 30, 0.2), (40, 300, 0.2), (199990000, 1000000000, 0.2), (5, 5, 0.5), (1200, 12000, 0.1)]:
        cases.append({'k': k, 'n': n, 'p': p, 'cdf': float(stats.binom.cdf(k, n, p))})
    return cases


def holm_reference(p):
    p = np.asarray(p, dtype=float)
    m = p.size
    order = np.argsort(p, kind='stable')
    adj = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adj[i] = running
    return adj


def holm():
    rng = np.random.default_rng(3)
    vectors = [[0.01], [0.01, 0.04, 0.03, 0.005], [0.5, 0.5, 0.5], [1.0, 0.0, 0.2],
               [0.001, 0.001, 0.02, 0.9, 0.04], list(rng.uniform(0, 0.1, 50)), list(rng.uniform(0, 1, 20))]
    return [{'p': [float(v) for v in vec], 'adjusted': [float(v) for v in holm_reference(vec)]} for vec in vectors]


def e_increments():
    # log LR(λ) = log Binom(x_c; X, p(λ)) - log Binom(x_c; X, p0), p(λ) = λN_c/(λN_c+N_b).
    grid = [1.25, 1.5, 2.0, 3.0, 10.0]
    cases = []
    for nc, xc, nb, xb in [(2400, 48, 9600, 96), (600, 0, 2400, 24), (600, 12, 2400, 0), (10, 10, 40, 40),
                           (1000000000, 20000000, 4000000000, 40000000), (120, 1, 480, 2), (5000, 60, 5000, 40)]:
        x = xc + xb
        p0 = nc / (nc + nb)
        rows = []
        for lam in grid:
            p1 = lam * nc / (lam * nc + nb)
            rows.append(float(stats.binom.logpmf(xc, x, p1) - stats.binom.logpmf(xc, x, p0)))
        cases.append({'counts': {'canaryN': nc, 'canaryX': xc, 'baselineN': nb, 'baselineX': xb}, 'grid': grid, 'logLR': rows})
    return cases


def confidence_sequence():
    # Each end of the anytime-valid confidence sequence of a rate ratio: where the running maximum
    # over looks of the mixture e-value, testing lambda = lambda0 against lambda0*g (low end) or
    # lambda0/g (high end), crosses 1/alpha. Exact binomial log-pmfs and brentq, independent of
    # the judge's closed form and bisection.
    from scipy.optimize import brentq
    grid = [1.25, 1.5, 1.75, 2, 2.5, 3, 5, 10, 20]
    w = np.array([0.1, 0.15, 0.15, 0.15, 0.15, 0.1, 0.08, 0.07, 0.05])
    w = w / w.sum()

    def log_e(steps, lam0, mults):
        best = 0.0
        acc = np.zeros(len(mults))
        for nc, xc, nb, xb in steps:
            x = xc + xb
            p0 = lam0 * nc / (lam0 * nc + nb)
            for k, m in enumerate(mults):
                lam = lam0 * m
                p1 = lam * nc / (lam * nc + nb)
                acc[k] += stats.binom.logpmf(xc, x, p1) - stats.binom.logpmf(xc, x, p0)
            top = acc.max()
            best = max(best, top + np.log(np.sum(w * np.exp(acc - top))))
        return best

    cases = []
    alpha = 0.05
    bar = np.log(1 / alpha)
    for steps in [[(12000, 240, 48000, 480)], [(2400, 24, 9600, 96)], [(10000, 390, 30000, 300)],
                  [(2000, 40, 8000, 80)] * 6, [(3000, 30, 12000, 120), (3000, 45, 12000, 120), (3000, 60, 12000, 115)],
                  [(240000, 2400, 960000, 9600)], [(600, 3, 2400, 12)], [(5000, 60, 20000, 0)]]:
        up = lambda l: log_e(steps, l, grid) - bar
        down = lambda l: log_e(steps, l, [1 / g for g in grid]) - bar
        low = 0.0 if up(1e-4) < 0 else brentq(up, 1e-4, 1e4, xtol=1e-12, rtol=1e-10)
        high = None if down(1e4) < 0 else brentq(down, 1e-4, 1e4, xtol=1e-12, rtol=1e-10)
        cases.append({'steps': [{'canaryN': a, 'canaryX': b, 'baselineN': c, 'baselineX': d} for a, b, c, d in steps],
                      'alpha': alpha, 'grid': grid, 'weights': [float(v) for v in w], 'low': float(low),
                      'high': None if high is None else float(high)})
    return cases


def lgamma():
    return [{'x': x, 'lgamma': float(special.gammaln(x))} for x in [0.5, 1, 1.5, 2, 3.7, 10, 31, 150.5, 1e4, 1e7]]


if __name__ == '__main__':
    write('mann-whitney.json', mann_whitney())
    write('hodges-lehmann.json', hodges_lehmann())
    write('clopper-pearson.json', clopper_pearson())
    write('binomial-cdf.json', binomial_cdf())
    write('holm.json', holm())
    write('e-increments.json', e_increments())
    write('lgamma.json', lgamma())
    write('confidence-sequence.json', confidence_sequence())
