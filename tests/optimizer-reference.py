#!/usr/bin/python3
# optimizer-reference.py: tf.keras' legacy optimizer updates, and torch.optim, for test-optimizer
#
# Copyright 2026 The Strata authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: optimizer-reference.py WORKDIR
#
# WORKDIR/cases.json lists cases written by test-optimizer: an optimizer config, the learning
# rate given to each step, and tensors with their initial values (CASE--NAME--data.npy) and one
# gradient per step (CASE--NAME--grads.npy). For every case this writes the values after all
# steps by Keras' rules (CASE--NAME--keras.npy, and each slot as CASE--SLOT/NAME--keras.npy),
# and, for cases marked "torch", by torch.optim (CASE--NAME--torch.npy). A "/" in a name is
# written as ".". Exit status 77 means torch is missing (the test is skipped).
#
# The Keras rules are those of keras/optimizers/legacy/*.py in Keras 2.13 and the TensorFlow
# kernels they call (tensorflow/core/kernels/training_ops.cc), written out term by term in
# float32 torch tensors, with the per-step scalars computed in Python floats:
#
#   lr_t = lr / (1 + decay * iterations)                   (optimizer_v2._decayed_lr), t = it + 1
#   sgd       ResourceApplyGradientDescent: var -= g * lr_t
#             ResourceApplyKerasMomentum:   a = a * mu - g * lr_t
#                                           var += a * mu - g * lr_t (nesterov) or var += a
#   rmsprop   no momentum (rmsprop.py):     rms = rho rms + (1 - rho) g^2 [centered: mg likewise,
#                                           denom = rms - mg^2]; var -= lr_t g / (sqrt(denom) + eps)
#             ResourceApply[Centered]RMSProp: ms += (g^2 - ms)(1 - rho) [mg += (g - mg)(1 - rho)];
#                                           mom = mom mu + g lr_t / sqrt(denom + eps); var -= mom
#   adagrad   ResourceApplyAdagradV2:       acc += g^2; var -= g lr_t / (sqrt(acc) + eps)
#   adadelta  ResourceApplyAdadelta:        acc = acc rho + g^2 (1 - rho)
#                                           u = sqrt(acc_upd + eps) / sqrt(acc + eps) g
#                                           var -= u lr_t; acc_upd = acc_upd rho + u^2 (1 - rho)
#   adam      ResourceApplyAdam:            alpha = lr_t sqrt(1 - b2^t) / (1 - b1^t)
#                                           m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2)
#                                           var -= m alpha / (sqrt(v) + eps)
#   adamax    ResourceApplyAdaMax:          m += (g - m)(1 - b1); v = max(b2 v, |g|)
#                                           var -= lr_t / (1 - b1^t) (m / (v + eps))
#   nadam     nadam.py _resource_apply_dense with the momentum cache (see keras_nadam)
#
# torch.optim computes the same maths in these cases only (test-optimizer marks them):
#   SGD        always without momentum; with momentum only for a constant lr and no decay,
#              because Keras folds lr into the velocity (a = mu a - lr g) and torch applies lr
#              after it (b = mu b + g; p -= lr b)
#   RMSprop    without momentum always (eps outside the sqrt in both); with momentum only for
#              eps = 0 and a constant lr: TF's kernel puts eps inside the sqrt, torch outside,
#              and again lr sits inside Keras' momentum buffer
#   Adagrad    always: torch's lr_decay is Keras' decay, initial_accumulator_value the same
#   Adadelta   always (lr only scales the applied update in both)
#   Adam       only for eps = 0: Keras' eps is "epsilon hat", added to sqrt(v) before the bias
#              correction, torch adds it to sqrt(v / (1 - b2^t)): they differ by sqrt(1 - b2^t)
#   Adamax     only for eps = 0: torch adds eps inside the max (u = max(b2 u, |g| + eps))
#   NAdam      always: torch's momentum_decay is Keras' schedule_decay, same bias corrections
#              (with foreach=True: torch 1.13's other code path has a bug, see run_torch)
# The learning rate of each torch step is set to Keras' lr_t (except Adagrad, which decays
# by itself).

import json
import os
import sys

try:
    import numpy as np
    import torch
except ImportError:
    sys.exit(77)


def fname(workdir, case, name, what):
    return os.path.join(workdir, "%s--%s--%s.npy" % (case, name.replace("/", "."), what))


def keras_slots(cfg):
    name = cfg["name"]
    if name == "sgd":
        return ["momentum"] if cfg["momentum"] > 0 else []
    if name == "rmsprop":
        return (["rms"] + (["momentum"] if cfg["momentum"] > 0 else [])
                + (["mg"] if cfg["centered"] else []))
    return {"adagrad": ["accumulator"], "adadelta": ["accum_grad", "accum_var"],
            "adam": ["m", "v"], "adamax": ["m", "v"], "nadam": ["m", "v"]}[name]


def nadam_mu(cfg, t):
    return cfg["beta_1"] * (1.0 - 0.5 * 0.96 ** (cfg["schedule_decay"] * t))


def keras_step(cfg, var, g, s, lr, it, run):
    """One Keras update of var (in place) with gradient g; s maps slot names to tensors."""
    name = cfg["name"]
    t = it + 1
    lr_t = lr / (1.0 + cfg["decay"] * it) if cfg["decay"] > 0 else lr
    eps, mu, rho = cfg["epsilon"], cfg["momentum"], cfg["rho"]
    b1, b2 = cfg["beta_1"], cfg["beta_2"]

    if name == "sgd":
        if mu > 0:
            a = s["momentum"]
            a.copy_(a * mu - g * lr_t)
            var += (a * mu - g * lr_t) if cfg["nesterov"] else a
        else:
            var -= g * lr_t
    elif name == "rmsprop":
        rms = s["rms"]
        if mu > 0:
            rms += (g * g - rms) * (1 - rho)
            denom = rms
            if cfg["centered"]:
                mg = s["mg"]
                mg += (g - mg) * (1 - rho)
                denom = rms - mg * mg
            mom = s["momentum"]
            mom.copy_(mom * mu + (g * lr_t) / torch.sqrt(denom + eps))
            var -= mom
        else:
            rms.copy_(rho * rms + (1 - rho) * (g * g))
            denom = rms
            if cfg["centered"]:
                mg = s["mg"]
                mg.copy_(rho * mg + (1 - rho) * g)
                denom = rms - mg * mg
            var -= lr_t * g / (torch.sqrt(denom) + eps)
    elif name == "adagrad":
        acc = s["accumulator"]
        acc += g * g
        var -= g * lr_t / (torch.sqrt(acc) + eps)
    elif name == "adadelta":
        acc, acc_upd = s["accum_grad"], s["accum_var"]
        acc.copy_(acc * rho + g * g * (1 - rho))
        u = torch.sqrt(acc_upd + eps) / torch.sqrt(acc + eps) * g
        var -= u * lr_t
        acc_upd.copy_(acc_upd * rho + u * u * (1 - rho))
    elif name == "adam":
        alpha = lr_t * (1 - b2 ** t) ** 0.5 / (1 - b1 ** t)
        m, v = s["m"], s["v"]
        m += (g - m) * (1 - b1)
        v += (g * g - v) * (1 - b2)
        var -= (m * alpha) / (torch.sqrt(v) + eps)
    elif name == "adamax":
        m, v = s["m"], s["v"]
        m += (g - m) * (1 - b1)
        v.copy_(torch.maximum(b2 * v, torch.abs(g)))
        var -= lr_t / (1 - b1 ** t) * (m / (v + eps))
    elif name == "nadam":
        keras_nadam(cfg, var, g, s, lr_t, t, run)
    else:
        raise ValueError(name)


def keras_nadam(cfg, var, g, s, lr_t, t, run):
    """nadam.py: _prepare_local (momentum cache) and _resource_apply_dense, as written."""
    b1, b2, eps = cfg["beta_1"], cfg["beta_2"], cfg["epsilon"]
    m_t = nadam_mu(cfg, t)
    m_t_1 = nadam_mu(cfg, t + 1)
    m_schedule_new = run["m_cache"] * m_t
    run["m_cache"] = m_schedule_new
    m_schedule_next = m_schedule_new * m_t_1
    m, v = s["m"], s["v"]
    g_prime = g / (1.0 - m_schedule_new)
    m.copy_(b1 * m + (1 - b1) * g)
    m_t_prime = m / (1.0 - m_schedule_next)
    v.copy_(b2 * v + (1 - b2) * (g * g))
    v_t_prime = v / (1.0 - b2 ** t)
    m_t_bar = (1.0 - m_t) * g_prime + m_t_1 * m_t_prime
    var -= lr_t * m_t_bar / (torch.sqrt(v_t_prime) + eps)


def run_keras(workdir, case):
    cfg = case["config"]
    slot_names = keras_slots(cfg)
    run = {"m_cache": 1.0}
    for p in case["params"]:
        var = torch.from_numpy(np.load(fname(workdir, case["id"], p["name"], "data")))
        grads = torch.from_numpy(np.load(fname(workdir, case["id"], p["name"], "grads")))
        init = cfg["initial_accumulator"] if cfg["name"] == "adagrad" else 0.0
        s = {n: torch.full_like(var, init) for n in slot_names}
        run["m_cache"] = 1.0   # one cache per optimizer; every tensor sees the same sequence
        for it, lr in enumerate(case["lrs"]):
            keras_step(cfg, var, grads[it], s, lr, it, run)
        np.save(fname(workdir, case["id"], p["name"], "keras"), var.numpy())
        for n in slot_names:
            np.save(fname(workdir, case["id"], n + "/" + p["name"], "keras"), s[n].numpy())


def run_torch(workdir, case):
    cfg = case["config"]
    name = cfg["name"]
    params, grads = [], []
    for p in case["params"]:
        params.append(torch.nn.Parameter(
            torch.from_numpy(np.load(fname(workdir, case["id"], p["name"], "data")))))
        grads.append(torch.from_numpy(np.load(fname(workdir, case["id"], p["name"], "grads"))))

    lr0 = case["lrs"][0]
    eps, betas = cfg["epsilon"], (cfg["beta_1"], cfg["beta_2"])
    if name == "sgd":
        opt = torch.optim.SGD(params, lr=lr0, momentum=cfg["momentum"],
                              nesterov=cfg["nesterov"])
    elif name == "rmsprop":
        opt = torch.optim.RMSprop(params, lr=lr0, alpha=cfg["rho"], eps=eps,
                                  momentum=cfg["momentum"], centered=cfg["centered"])
    elif name == "adagrad":
        opt = torch.optim.Adagrad(params, lr=lr0, lr_decay=cfg["decay"], eps=eps,
                                  initial_accumulator_value=cfg["initial_accumulator"])
    elif name == "adadelta":
        opt = torch.optim.Adadelta(params, lr=lr0, rho=cfg["rho"], eps=eps)
    elif name == "adam":
        opt = torch.optim.Adam(params, lr=lr0, betas=betas, eps=eps)
    elif name == "adamax":
        opt = torch.optim.Adamax(params, lr=lr0, betas=betas, eps=eps)
    elif name == "nadam":
        # foreach=True: torch 1.13's single-tensor NAdam has mu_product_next =
        # mu_product * mu * mu_next (mu counted twice), fixed upstream in pytorch#92699;
        # its multi-tensor path computes mu_product * mu_next, as Keras does.
        opt = torch.optim.NAdam(params, lr=lr0, betas=betas, eps=eps,
                                momentum_decay=cfg["schedule_decay"], foreach=True)
    else:
        raise ValueError(name)

    for it, lr in enumerate(case["lrs"]):
        if name != "adagrad" and cfg["decay"] > 0:
            lr = lr / (1.0 + cfg["decay"] * it)
        for group in opt.param_groups:
            group["lr"] = lr
        for p, g in zip(params, grads):
            p.grad = g[it].clone()
        opt.step()

    for p, param in zip(case["params"], params):
        np.save(fname(workdir, case["id"], p["name"], "torch"), param.detach().numpy())


def main():
    workdir = sys.argv[1]
    with open(os.path.join(workdir, "cases.json")) as f:
        cases = json.load(f)["cases"]
    torch.set_num_threads(1)
    for case in cases:
        run_keras(workdir, case)
        if case["torch"]:
            run_torch(workdir, case)


if __name__ == "__main__":
    main()
