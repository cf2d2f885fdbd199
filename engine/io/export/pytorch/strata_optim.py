# strata_optim.py: Strata's optimizers (tf.keras' legacy ones, term by term), learning-rate
# schedules, early stopping and loss, in PyTorch. Written by Strata; GPL-3.0-or-later.

import math

import torch
import torch.nn.functional as F


class KerasOptimizer(torch.optim.Optimizer):
    """sgd, rmsprop, adagrad, adadelta, adam, adamax or nadam as tf.keras 2.13's legacy
    optimizers update (TensorFlow's training_ops kernels): Keras' epsilon placement,
    learning rate inside the momentum buffers, time decay lr / (1 + decay · iterations)."""

    def __init__(self, params, hp):
        self.hp = dict(hp)
        self.iterations = 0
        self.m_cache = 1.0
        super().__init__(params, {"lr": hp.get("learning_rate", 0.001)})

    def _slot(self, p, name, init=0.0):
        state = self.state[p]
        if name not in state:
            state[name] = torch.full_like(p, init, memory_format=torch.preserve_format)
        return state[name]

    @torch.no_grad()
    def step(self, closure=None):
        hp = self.hp
        name = hp.get("optimizer", "adam")
        it = self.iterations
        t = it + 1
        eps, mu, rho = hp.get("epsilon", 1e-7), hp.get("momentum", 0.0), hp.get("rho", 0.9)
        b1, b2 = hp.get("beta_1", 0.9), hp.get("beta_2", 0.999)
        decay = hp.get("decay", 0.0)
        if name == "nadam":
            sd = hp.get("schedule_decay", 0.004)
            m_t = b1 * (1.0 - 0.5 * 0.96 ** (sd * t))
            m_t_1 = b1 * (1.0 - 0.5 * 0.96 ** (sd * (t + 1)))
            m_schedule_new = self.m_cache * m_t
            m_schedule_next = m_schedule_new * m_t_1
            self.m_cache = m_schedule_new
        for group in self.param_groups:
            lr = group["lr"]
            lr_t = lr / (1.0 + decay * it) if decay > 0 else lr
            for var in group["params"]:
                g = var.grad
                if g is None:
                    continue
                if name == "sgd":
                    if mu > 0:
                        a = self._slot(var, "momentum")
                        a.copy_(a * mu - g * lr_t)
                        var.add_(a * mu - g * lr_t if hp.get("nesterov", False) else a)
                    else:
                        var.sub_(g * lr_t)
                elif name == "rmsprop":
                    rms = self._slot(var, "rms")
                    centered = hp.get("centered", False)
                    if mu > 0:
                        rms.add_((g * g - rms) * (1 - rho))
                        denom = rms
                        if centered:
                            mg = self._slot(var, "mg")
                            mg.add_((g - mg) * (1 - rho))
                            denom = (rms - mg * mg).clamp_min(0)
                        mom = self._slot(var, "momentum")
                        mom.copy_(mom * mu + (g * lr_t) / torch.sqrt(denom + eps))
                        var.sub_(mom)
                    else:
                        rms.copy_(rho * rms + (1 - rho) * (g * g))
                        denom = rms
                        if centered:
                            mg = self._slot(var, "mg")
                            mg.copy_(rho * mg + (1 - rho) * g)
                            denom = (rms - mg * mg).clamp_min(0)
                        var.sub_(lr_t * g / (torch.sqrt(denom) + eps))
                elif name == "adagrad":
                    acc = self._slot(var, "accumulator", hp.get("initial_accumulator", 0.1))
                    acc.add_(g * g)
                    var.sub_(g * lr_t / (torch.sqrt(acc) + eps))
                elif name == "adadelta":
                    acc, upd = self._slot(var, "accum_grad"), self._slot(var, "accum_var")
                    acc.copy_(acc * rho + g * g * (1 - rho))
                    u = torch.sqrt(upd + eps) / torch.sqrt(acc + eps) * g
                    var.sub_(u * lr_t)
                    upd.copy_(upd * rho + u * u * (1 - rho))
                elif name == "adam":
                    alpha = lr_t * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
                    m, v = self._slot(var, "m"), self._slot(var, "v")
                    m.add_((g - m) * (1 - b1))
                    v.add_((g * g - v) * (1 - b2))
                    var.sub_((m * alpha) / (torch.sqrt(v) + eps))
                elif name == "adamax":
                    m, v = self._slot(var, "m"), self._slot(var, "v")
                    m.add_((g - m) * (1 - b1))
                    v.copy_(torch.maximum(b2 * v, torch.abs(g)))
                    var.sub_(lr_t / (1 - b1 ** t) * (m / (v + eps)))
                elif name == "nadam":
                    m, v = self._slot(var, "m"), self._slot(var, "v")
                    g_prime = g / (1.0 - m_schedule_new)
                    m.copy_(b1 * m + (1 - b1) * g)
                    m_t_prime = m / (1.0 - m_schedule_next)
                    v.copy_(b2 * v + (1 - b2) * (g * g))
                    v_t_prime = v / (1.0 - b2 ** t)
                    m_t_bar = (1.0 - m_t) * g_prime + m_t_1 * m_t_prime
                    var.sub_(lr_t * m_t_bar / (torch.sqrt(v_t_prime) + eps))
                else:
                    raise ValueError("unknown optimizer %s" % name)
        self.iterations += 1


class Schedule:
    """strata_schedule_get_lr() and reduce-on-plateau's epoch ends."""

    def __init__(self, hp):
        self.name = hp.get("schedule", "constant")
        self.base = hp.get("learning_rate", 0.001)
        self.hp = hp
        self.scale = 1.0
        self.best = None
        self.wait = 0
        self.higher_is_better = hp.get("monitor", "val_accuracy").endswith("accuracy")

    def lr(self, step, steps_per_epoch, total_epochs):
        hp, b = self.hp, self.base
        total = max(total_epochs, 1) * steps_per_epoch
        if self.name == "step":
            return b * hp.get("factor", 0.1) ** (step // (steps_per_epoch *
                                                          hp.get("step_epochs", 10)))
        if self.name == "exponential":
            return b * hp.get("factor", 0.95) ** (step / steps_per_epoch)
        if self.name == "cosine":
            warmup = int(round(hp.get("warmup_epochs", 0.0) * steps_per_epoch))
            lo = hp.get("min_lr", 0.0)
            if step < warmup:
                return b * (step + 1) / warmup
            if total <= warmup:
                return b
            pct = min(1.0, (step - warmup) / (total - warmup))
            return lo + (b - lo) * 0.5 * (1.0 + math.cos(math.pi * pct))
        if self.name == "one_cycle":
            peak = hp.get("max_lr", 0.0) or b
            initial = peak / 25.0
            final = initial / 1e4
            end_1, end_2 = 0.3 * total - 1.0, total - 1.0
            anneal = lambda a, z, x: z + (a - z) / 2.0 * (math.cos(math.pi * x) + 1.0)
            if end_1 > 0 and step <= end_1:
                lr = anneal(initial, peak, step / end_1)
            else:
                start = max(end_1, 0.0)
                pct = (step - start) / (end_2 - start) if end_2 > start else 1.0
                lr = anneal(peak, final, min(max(pct, 0.0), 1.0))
            return max(lr, hp.get("min_lr", 0.0))
        if self.name == "reduce_on_plateau":
            lr = b * self.scale
            return max(lr, hp.get("min_lr", 0.0)) if self.scale < 1.0 else lr
        return b

    def epoch_end(self, monitored):
        if self.name != "reduce_on_plateau" or monitored is None or not math.isfinite(monitored):
            return
        delta = self.hp.get("min_delta", 1e-4)
        better = self.best is None or (monitored > self.best + delta if self.higher_is_better
                                       else monitored < self.best - delta)
        if better:
            self.best, self.wait = monitored, 0
            return
        self.wait += 1
        if self.wait >= self.hp.get("plateau_patience", 10):
            old = self.lr(0, 1, 1)
            lo = self.hp.get("min_lr", 0.0)
            if old > lo * (1 + 1e-7) and self.base > 0:
                self.scale = max(old * self.hp.get("factor", 0.1), lo) / self.base
                self.wait = 0


class Monitor:
    """Which epoch is best, and Keras' EarlyStopping."""

    def __init__(self, hp):
        self.name = hp.get("monitor", "val_accuracy")
        self.higher = self.name.endswith("accuracy")
        self.min_delta = abs(hp.get("min_delta", 0.0))
        self.patience = hp.get("patience", 5) if hp.get("early_stopping", False) else None
        self.best = None
        self.best_epoch = 0
        self.wait = 0

    def epoch_end(self, epoch, metrics):
        value = metrics.get(self.name)
        if value is None and self.name.startswith("val_"):
            value = metrics.get(self.name[4:])
        if value is None or not math.isfinite(value):
            return False, False
        if self.best is None or (value - self.min_delta > self.best if self.higher
                                 else value + self.min_delta < self.best):
            self.best, self.best_epoch, self.wait = value, epoch, 0
            return True, False
        self.wait += 1
        return False, self.patience is not None and self.wait >= self.patience


def loss_and_correct(logits, labels, smoothing):
    """Categorical cross-entropy with label smoothing, from logits, summed; correct count."""
    k = logits.shape[1]
    logp = F.log_softmax(logits, dim=1)
    target = F.one_hot(labels, k).to(logp.dtype) * (1 - smoothing) + smoothing / k
    loss = -(target * logp).sum(dim=1)
    return loss.sum(), (logits.argmax(dim=1) == labels).sum()
