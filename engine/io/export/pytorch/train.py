#!/usr/bin/env python3
# train.py: train a model exported from Strata further, on as many GPUs or machines as you have
#
#   python3 train.py                                   one process (CPU, or one GPU)
#   torchrun --nproc_per_node=4 train.py               four processes on this machine
#   torchrun --nnodes=2 --node_rank=0 --nproc_per_node=8 \
#            --master_addr=HOST --master_port=29500 train.py        (and node_rank=1 on the other)
#
# Starts from the weights in init.safetensors (the Strata run's), trains with the run's
# model, data (data/, resized and split by Strata), augmentation schedule, optimizer,
# learning-rate schedule, batch size and epochs (settings.json), with DistributedDataParallel
# when started by torchrun, and writes OUT/metrics.jsonl, OUT/checkpoint-last.safetensors,
# OUT/checkpoint-best.safetensors and OUT/run.json; `strata import-run PROJECT OUT` brings
# them back into Strata as a run. See README.md. Written by Strata; GPL-3.0-or-later.

import argparse
import json
import math
import os
import struct
import sys
import time
import warnings

import numpy as np
import torch
import torch.distributed as dist

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import strata_data  # noqa: E402
import strata_optim  # noqa: E402
import test as strata  # noqa: E402

CHECKPOINT_FORMAT = "strata-pytorch-checkpoint-1"


def load_json(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return json.load(f)


class StrataNet(torch.nn.Module):
    """The exported network: one submodule per layer with weights, PyTorch's names."""

    def __init__(self, config, tensors):
        super().__init__()
        self.run = strata.build_torch(config)
        for layer in config["layers"]:
            if not layer["weights"]:
                continue
            module = torch.nn.Module()
            trainable = layer["config"].get("trainable", True)
            for weight in layer["weights"]:
                short = weight["torch"].split(".", 1)[1]
                value = torch.from_numpy(np.array(tensors[weight["torch"]], np.float32))
                if short in ("running_mean", "running_var"):
                    module.register_buffer(short, value)
                else:
                    module.register_parameter(short, torch.nn.Parameter(value,
                                                                        requires_grad=trainable))
            if layer["class_name"] == "BatchNormalization":
                module.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.int64))
            self.add_module(layer["name"], module)

    def params(self):
        found = {}
        for name, module in self.named_children():
            for short, t in list(module.named_parameters(recurse=False)) + \
                    list(module.named_buffers(recurse=False)):
                found["%s.%s" % (name, short)] = t
        return found

    def forward(self, x, logits=True):
        return self.run(x, self.params(), training=self.training, logits=logits)


def save_safetensors(path, tensors, metadata):
    """A safetensors file, written under a temporary name and renamed."""
    header = {"__metadata__": metadata}
    offset, blobs = 0, []
    for name in sorted(tensors, key=lambda n: (tensors[n].dtype != np.int64, n)):
        array = np.ascontiguousarray(tensors[name])
        dtype = {np.dtype(np.float32): "F32", np.dtype(np.int64): "I64"}[array.dtype]
        data = array.tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


class EpochBatches(torch.utils.data.Dataset):
    """This process's share of every batch of an epoch, in Strata's order."""

    def __init__(self, split, order, batch, rank, world, preprocessing, channels, stage, seed,
                 epoch):
        self.split, self.preprocessing, self.channels = split, preprocessing, channels
        self.stage, self.seed, self.epoch = stage, seed, epoch
        self.parts = []
        for start in range(0, len(order), batch):
            chunk = order[start:start + batch]
            if len(chunk) < world:
                continue   # too small to give every process an image
            self.parts.append((np.array_split(np.array(chunk), world)[rank], len(chunk)))

    def __len__(self):
        return len(self.parts)

    def __getitem__(self, b):
        indices, total = self.parts[b]
        images = np.stack([self.split.item(int(i), self.preprocessing, self.channels,
                                           self.stage, self.seed, self.epoch) for i in indices])
        labels = self.split.labels[indices].astype(np.int64)
        return torch.from_numpy(images), torch.from_numpy(labels), total


def main():
    settings = load_json("settings.json")
    hp = settings["hyperparameters"]
    parser = argparse.ArgumentParser(description="Train the exported Strata model further.")
    parser.add_argument("--epochs", type=int, default=hp.get("epochs", 10),
                        help="epochs to train (settings.json's by default)")
    parser.add_argument("--out", default="output", help="where results go (output)")
    parser.add_argument("--lr", type=float, help="the learning rate instead of the run's")
    parser.add_argument("--workers", type=int, default=2, help="data loader processes (2)")
    parser.add_argument("--max-train", type=int, default=0,
                        help="train on this many images only, spread over the split")
    parser.add_argument("--max-validation", type=int, default=0,
                        help="validate on this many images only")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    args = parser.parse_args()
    if args.lr:
        hp["learning_rate"] = args.lr

    # a 1-channel kernel's gradient comes in another (equivalent) layout than DDP's bucket
    warnings.filterwarnings("ignore", message="Grad strides do not match bucket view strides")
    distributed = "RANK" in os.environ and "WORLD_SIZE" in os.environ
    use_cuda = torch.cuda.is_available() and args.device != "cpu"
    if distributed:
        dist.init_process_group("nccl" if use_cuda else "gloo")
        rank, world = dist.get_rank(), dist.get_world_size()
        local_rank = int(os.environ.get("LOCAL_RANK", 0))
    else:
        rank, world, local_rank = 0, 1, 0
    device = torch.device("cuda", local_rank) if use_cuda else torch.device("cpu")
    if use_cuda:
        torch.cuda.set_device(device)
    else:
        torch.set_num_threads(max(1, (os.cpu_count() or 1) // max(1, world)))

    config = load_json("config.json")
    stages = load_json("augmentation.json")
    split_info = load_json("split.json")
    preprocessing, channels = config["preprocessing"], config["input"]["channels"]
    smoothing = config.get("loss", {}).get("label_smoothing", 0.0)
    seed = int(hp.get("seed", 1))
    batch = int(hp.get("batch_size", 64))
    data_dir = os.path.join(HERE, "data")
    train = strata_data.Split(data_dir, "train")
    val = strata_data.Split(data_dir, "validation") if split_info["counts"].get(
        "validation", 0) > 0 else None

    tensors, _ = strata.read_safetensors(os.path.join(HERE, "init.safetensors"))
    net = StrataNet(config, tensors).to(device)
    model = net
    if distributed:
        model = torch.nn.parallel.DistributedDataParallel(
            net, device_ids=[local_rank] if use_cuda else None, gradient_as_bucket_view=True)
    trainable = [p for p in net.parameters() if p.requires_grad]
    optimizer = strata_optim.KerasOptimizer(trainable, hp)
    schedule = strata_optim.Schedule(hp)
    monitor = strata_optim.Monitor(hp)

    train_items = list(range(len(train)))
    if args.max_train and args.max_train < len(train):
        train_items = [int(i * len(train) / args.max_train) for i in range(args.max_train)]
    val_items = list(range(len(val))) if val else []
    if val and args.max_validation and args.max_validation < len(val):
        val_items = [int(i * len(val) / args.max_validation) for i in range(args.max_validation)]
    steps_per_epoch = max(1, math.ceil(len(train_items) / batch))

    out = os.path.join(os.getcwd(), args.out) if not os.path.isabs(args.out) else args.out
    if rank == 0:
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, "settings.json"), "w", encoding="utf-8") as f:
            json.dump(settings, f, indent=1)
        open(os.path.join(out, "metrics.jsonl"), "w").close()
    strata_names = {w["torch"]: w["strata"] for layer in config["layers"]
                    for w in layer["weights"]}

    def checkpoint(which, epoch):
        state = {name: t.detach().cpu().numpy() for name, t in net.params().items()}
        metadata = {"format": CHECKPOINT_FORMAT, "epoch": str(epoch),
                    "strata_tensors": json.dumps(strata_names),
                    "classes": json.dumps(config["classes"]),
                    "settings": json.dumps(settings),
                    "started_from": json.dumps({"run": config.get("run"),
                                                "weights": config.get("weights")})}
        save_safetensors(os.path.join(out, "checkpoint-%s.safetensors" % which), state, metadata)

    def reduce(values):
        t = torch.tensor(values, dtype=torch.float64, device=device)
        if distributed:
            dist.all_reduce(t)
        return t.tolist()

    started, step, status, epochs_done = time.time(), 0, "finished", 0
    for epoch in range(args.epochs):
        t0 = time.time()
        order = [train_items[i] for i in strata_data.shuffled(len(train_items), seed, epoch)]
        stage = strata_data.stage_for_epoch(stages, epoch)
        batches = EpochBatches(train, order, batch, rank, world, preprocessing, channels, stage,
                               seed, epoch)
        loader = torch.utils.data.DataLoader(batches, batch_size=None, num_workers=args.workers)
        model.train()
        loss_sum = correct = seen = 0.0
        lr = schedule.lr(step, steps_per_epoch, args.epochs)
        for x, y, total in loader:
            x, y = x.to(device), y.to(device)
            lr = schedule.lr(step, steps_per_epoch, args.epochs)
            for group in optimizer.param_groups:
                group["lr"] = lr
            batch_loss, batch_correct = strata_optim.loss_and_correct(model(x), y, smoothing)
            optimizer.zero_grad(set_to_none=True)
            # DDP averages gradients over processes: scale so the average is the batch's mean
            (batch_loss * world / int(total)).backward()
            optimizer.step()
            step += 1
            loss_sum += batch_loss.item()
            correct += batch_correct.item()
            seen += len(y)
        loss_sum, correct, seen = reduce([loss_sum, correct, seen])
        seconds = time.time() - t0
        metrics = {"epoch": epoch + 1, "loss": loss_sum / max(seen, 1),
                   "accuracy": correct / max(seen, 1)}

        if val_items:
            net.eval()
            mine = np.array_split(np.array(val_items), world)[rank]
            v_loss = v_correct = 0.0
            with torch.no_grad():
                for start in range(0, len(mine), batch):
                    idx = mine[start:start + batch]
                    x = torch.from_numpy(np.stack([val.item(int(i), preprocessing, channels)
                                                   for i in idx])).to(device)
                    y = torch.from_numpy(val.labels[idx].astype(np.int64)).to(device)
                    l, c = strata_optim.loss_and_correct(net(x), y, smoothing)
                    v_loss += l.item()
                    v_correct += c.item()
            v_loss, v_correct = reduce([v_loss, v_correct])
            metrics["val_loss"] = v_loss / len(val_items)
            metrics["val_accuracy"] = v_correct / len(val_items)
        metrics.update({"lr": lr, "seconds": seconds,
                        "images_per_second": seen / seconds if seconds > 0 else 0.0})
        is_best, stop = monitor.epoch_end(epoch + 1, metrics)
        schedule.epoch_end(metrics.get(monitor.name, metrics.get(monitor.name[4:])))
        epochs_done = epoch + 1
        if rank == 0:
            with open(os.path.join(out, "metrics.jsonl"), "a", encoding="utf-8") as f:
                f.write(json.dumps(metrics) + "\n")
            checkpoint("last", epoch + 1)
            if is_best:
                checkpoint("best", epoch + 1)
            print("epoch %d/%d  loss %.4f  acc %.4f%s  %.0f img/s" % (
                epoch + 1, args.epochs, metrics["loss"], metrics["accuracy"],
                "  val_loss %.4f  val_acc %.4f" % (metrics["val_loss"], metrics["val_accuracy"])
                if "val_loss" in metrics else "", metrics["images_per_second"]), flush=True)
        if stop:
            status = "early-stopped"
            break

    if rank == 0:
        info = {"format_version": 1, "status": status, "epochs_done": epochs_done,
                "epochs": args.epochs, "monitor": monitor.name, "best_epoch": monitor.best_epoch,
                "best_value": monitor.best, "elapsed": time.time() - started,
                "world_size": world, "device": device.type, "steps": step,
                "started_from": {"run": config.get("run"), "weights": config.get("weights")}}
        with open(os.path.join(out, "run.json"), "w", encoding="utf-8") as f:
            json.dump(info, f, indent=1)
    if distributed:
        dist.barrier()
        dist.destroy_process_group()
    return 0


if __name__ == "__main__":
    sys.exit(main())
