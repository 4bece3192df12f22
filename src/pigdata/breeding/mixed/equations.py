"""Sparse mixed-model equations and the REML quantities at one point of the variances.

With W = [X Z_1 … Z_K], R = I σ²_e and var(u_k) = K_k σ²_k, Henderson's equations are
C s = W'y/σ²_e with C = W'W/σ²_e + diag(0, K_1⁻¹/σ²_1, …, K_K⁻¹/σ²_K). W'W and W'y are made
once; each new point only rescales them and refactors C on the same symbolic analysis.

At a point θ = (σ²_1, …, σ²_K, σ²_e), with n records, p fixed and q_k levels
(Harville 1977; Meyer 1989; Gilmour, Thompson & Cullis 1995):

    −2 log L = (n − p) log 2π + log|C| + Σ_k (q_k log σ²_k + log|K_k|) + n log σ²_e + y'Py,
    y'Py     = y'y/σ²_e − s'W'y/σ²_e,
    ∂/∂σ²_k  = q_k/σ²_k − (tr(K_k⁻¹ C^kk) + û_k'K_k⁻¹û_k)/σ⁴_k,
    ∂/∂σ²_e  = (n − p − Σ_k (q_k − tr(K_k⁻¹ C^kk)/σ²_k))/σ²_e − ê'ê/σ⁴_e,

with C^kk the block of C⁻¹ (from the selected inverse) and ê = y − Ws. The average
information of −2 log L is F'PF, F the working variables Z_k û_k/σ²_k and ê/σ²_e, and
F'PF = F'F/σ²_e − (W'F/σ²_e)' C⁻¹ (W'F/σ²_e): one solve with m right-hand sides. The EM
update (the fallback) is σ²_k ← (û_k'K_k⁻¹û_k + tr(K_k⁻¹C^kk))/q_k and
σ²_e ← (ê'ê + σ²_e (p + Σ_k q_k − Σ_k tr(K_k⁻¹C^kk)/σ²_k))/n.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from pigdata.breeding.mixed.cholesky import Cholesky, SelectedInverse
from pigdata.breeding.mixed.design import Design
from pigdata.breeding.pedigree import FloatArray

LOG_2PI = float(np.log(2.0 * np.pi))


@dataclass(frozen=True, slots=True)
class Point:
    """The REML quantities at one point θ = (σ²_1, …, σ²_K, σ²_e)."""

    theta: FloatArray
    minus2logl: float
    solution: FloatArray
    gradient: FloatArray
    information: FloatArray  # average information of −2 log L
    em: FloatArray  # the EM update from this point
    inverse: SelectedInverse


class Equations:
    """The mixed-model equations of a design, ready to be refactored at any variances."""

    def __init__(self, design: Design) -> None:
        self.design = design
        self.w = sp.hstack([design.x, *(b.z for b in design.blocks)], format="csr")
        self.wtw = (self.w.T @ self.w).tocsc()
        self.wty = np.asarray(self.w.T @ design.y, dtype=np.float64)
        self.yty = float(design.y @ design.y)
        self.offsets = [design.offset(k) for k in range(len(design.blocks) + 1)]
        self.cholesky = Cholesky(self.coefficients(np.ones(len(design.blocks) + 1)))

    @property
    def size(self) -> int:
        """Give the number of equations."""
        return int(self.wty.size)

    def coefficients(self, theta: FloatArray) -> sp.csc_matrix:
        """Give C at θ."""
        p = self.design.fixed_size
        parts = [sp.csr_matrix((p, p))]
        parts += [b.k_inverse / v for b, v in zip(self.design.blocks, theta[:-1], strict=True)]
        penalty = sp.block_diag(parts, format="csc")
        return (self.wtw / theta[-1] + penalty).tocsc()

    def solve(self, theta: FloatArray) -> FloatArray:
        """Factor C at θ and give the solutions (fixed effects, then each random effect)."""
        self.cholesky.factorise(self.coefficients(theta))
        return self.cholesky.solve(self.wty / theta[-1])

    def block(self, solution: FloatArray, k: int) -> FloatArray:
        """Give the solutions of random effect k."""
        return solution[self.offsets[k] : self.offsets[k + 1]]

    def point(self, theta: FloatArray) -> Point:
        """Give −2 log L, its gradient, the average information and the EM update at θ."""
        d, sigma_e = self.design, float(theta[-1])
        s = self.solve(theta)
        n, p = d.records, d.fixed_size
        inverse = self.cholesky.selected_inverse()
        residual = d.y - self.w @ s
        ee = float(residual @ residual)
        gradient, em = np.empty(theta.size), np.empty(theta.size)
        work = np.empty((n, theta.size))
        logdet_g, levels, shrink = 0.0, 0, 0.0
        for k, b in enumerate(d.blocks):
            u, v = self.block(s, k), float(theta[k])
            trace = inverse.trace_with(b.k_inverse, self.offsets[k])
            quad = float(u @ (b.k_inverse @ u))
            gradient[k] = b.size / v - (trace + quad) / v**2
            em[k] = (quad + trace) / b.size
            work[:, k] = b.z @ u / v
            logdet_g += b.size * np.log(v) + b.logdet_k
            levels += b.size
            shrink += trace / v
        gradient[-1] = (n - p - levels + shrink) / sigma_e - ee / sigma_e**2
        em[-1] = (ee + sigma_e * (p + levels - shrink)) / n
        work[:, -1] = residual / sigma_e
        ypy = (self.yty - float(s @ self.wty)) / sigma_e
        logl = (n - p) * LOG_2PI + self.cholesky.logdet() + logdet_g + n * np.log(sigma_e) + ypy
        wtf = np.asarray(self.w.T @ work, dtype=np.float64) / sigma_e
        information = work.T @ work / sigma_e - wtf.T @ self.cholesky.solve(wtf)
        return Point(theta.copy(), float(logl), s, gradient, information, em, inverse)
