#!/usr/bin/python3
# gen_fixtures.py: tiny pretrained-model fixtures and their reference outputs, from Debian's
# keras_applications (through mockkeras), torchvision and h5py
#
# Copyright 2026 The Strata authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: gen_fixtures.py OUTDIR
#
# Writes, for every case, a weights file (Keras .h5 in one of the string styles h5py and
# Keras have used, or safetensors with torchvision's or timm's names in F32, F16 or BF16), an
# input batch CASE_in.npy (NHWC) and the float64 reference CASE_out.npy (NHWC or flat), and
# OUTDIR/manifest.json telling test-zoo-exact how to build the node. Also the full-width
# layer lists (keras_order.json, torch_keys.json) that check Strata's tables.
# Exits 77 when torch, torchvision, h5py or keras_applications is missing.

import json
import os
import struct
import sys

try:
    import h5py
    import numpy as np
    import torch
    import torch.nn as nn
    import torchvision
    from torchvision.models import densenet as tv_densenet
    from torchvision.models import mobilenetv2 as tv_mobilenet
    from torchvision.models import resnet as tv_resnet
    from torchvision.models import vgg as tv_vgg
    from keras_applications import (densenet, inception_v3, mobilenet_v2, resnet50,
                                    resnet_common, vgg16, vgg19)
except ImportError as e:
    print('skipping:', e)
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mockkeras as mk  # noqa: E402

OUT = sys.argv[1]
BATCH = 2
manifest = []


def write_npy(name, array):
    np.save(os.path.join(OUT, name), np.ascontiguousarray(array, dtype=np.float32))


# Keras .h5 ----------------------------------------------------------------------------------

def str_attr(obj, name, values, style, scalar=False):
    """A list of names (or one string) in the encodings Keras has written over the years."""
    if scalar:
        values = values[0] if isinstance(values, list) else values
    if style in ('keras1', 'chunked'):
        data = [v.encode() for v in values] if isinstance(values, list) else values.encode()
        if isinstance(data, list) and not data:
            obj.attrs.create(name, np.zeros((0,), dtype=np.float64))   # Keras 2.2's empty list
            return
        width = max(len(v) for v in data) if isinstance(data, list) else len(data)
        obj.attrs.create(name, np.array(data, dtype='S%d' % max(width, 1)))
    else:
        encoding = 'utf-8' if style == 'utf8' else 'ascii'
        obj.attrs.create(name, values, dtype=h5py.string_dtype(encoding))


def weight_name(layer, weight, style):
    if style == 'keras1':
        short = {'kernel': 'W', 'depthwise_kernel': 'W', 'bias': 'b', 'gamma': 'gamma',
                 'beta': 'beta', 'moving_mean': 'running_mean',
                 'moving_variance': 'running_std'}[weight]
        return '%s_%s_1:0' % (layer.name, short)
    return '%s/%s:0' % (layer.name, weight)


def write_weights_group(group, model, style, rename=None):
    names = [(rename or {}).get(l.name, l.name) for l in model.layers]
    if style == 'chunked':
        # Keras splits a list whose bytes pass HDF5_OBJECT_HEADER_LIMIT: three chunks here
        for i, part in enumerate(np.array_split(np.array(names, dtype=object), 3)):
            str_attr(group, 'layer_names%d' % i, list(part), style)
    else:
        str_attr(group, 'layer_names', names, style)
    if style not in ('keras1', 'chunked'):
        str_attr(group, 'backend', 'tensorflow', 'utf8', scalar=True)
        str_attr(group, 'keras_version', '2.13.1', 'utf8', scalar=True)
    for layer, name in zip(model.layers, names):
        g = group.create_group(name)
        wnames = [weight_name(_Named(name), w, style) for w, _ in layer.weights]
        str_attr(g, 'weight_names', wnames, style, scalar=(style == 'utf8' and len(wnames) == 1))
        for (w, value), wname in zip(layer.weights, wnames):
            g.create_dataset(wname, data=value)


class _Named:
    def __init__(self, name):
        self.name = name


def write_h5(path, model, style, rename=None):
    with h5py.File(path, 'w') as f:
        if style == 'full':
            f.attrs['keras_version'] = '2.13.1'
            f.attrs['backend'] = 'tensorflow'
            f.attrs['model_config'] = json.dumps({'class_name': 'Functional',
                                                  'config': {'name': model.name}})
            write_weights_group(f.create_group('model_weights'), model, 'tf', rename)
            opt = f.create_group('optimizer_weights')
            str_attr(opt, 'weight_names', ['Adam/iterations:0'], 'tf')
            opt.create_dataset('Adam/iterations:0', data=np.int64(7))
        else:
            write_weights_group(f, model, style, rename)


KERAS_CASES = [
    # name, type, constructor, divisor, size, pooling, include_top, style, variant, extra
    ('vgg16_tf', 'VGG16', vgg16.VGG16, 16, 32, 'none', False, 'tf', 'auto', {}),
    ('vgg16_keras1', 'VGG16', vgg16.VGG16, 16, 32, 'max', False, 'keras1', 'auto', {}),
    ('vgg16_top_full', 'VGG16', vgg16.VGG16, 16, 32, 'none', True, 'full', 'auto', {}),
    ('vgg19_tf', 'VGG19', vgg19.VGG19, 16, 32, 'avg', False, 'tf', 'auto', {}),
    ('resnet50_tf', 'ResNet50', resnet_common.ResNet50, 16, 32, 'avg', False, 'tf', 'auto', {}),
    ('resnet50_chunked', 'ResNet50', resnet_common.ResNet50, 16, 34, 'none', False, 'chunked',
     'auto', {}),
    ('resnet50_legacy_keras1', 'ResNet50', resnet50.ResNet50, 16, 32, 'none', False, 'keras1',
     'auto', {}),
    ('resnet50_legacy_top', 'ResNet50', resnet50.ResNet50, 16, 32, 'none', True, 'tf',
     'keras-legacy', {}),
    ('inception_v3_tf', 'InceptionV3', inception_v3.InceptionV3, 16, 75, 'max', False, 'tf',
     'auto', {}),
    # tf.keras names unnamed layers from "conv2d", not "conv2d_1": only positions match
    ('inception_v3_renamed', 'InceptionV3', inception_v3.InceptionV3, 16, 80, 'avg', False,
     'utf8', 'auto', {'rename': True}),
    ('mobilenet_v2_tf', 'MobileNetV2', mobilenet_v2.MobileNetV2, 8, 40, 'avg', False, 'tf',
     'auto', {}),
    ('mobilenet_v2_odd', 'MobileNetV2', mobilenet_v2.MobileNetV2, 8, 37, 'none', False, 'utf8',
     'auto', {}),
    ('densenet121_tf', 'DenseNet121', densenet.DenseNet121, 16, 32, 'none', False, 'tf',
     'auto', {}),
    ('densenet121_top_utf8', 'DenseNet121', densenet.DenseNet121, 16, 32, 'none', True, 'utf8',
     'auto', {}),
]


def tf_keras_names(model):
    """tf.keras' automatic names: the first layer of a class has no suffix."""
    rename = {}
    for layer in model.layers:
        stem, _, number = layer.name.rpartition('_')
        if number.isdigit() and stem in ('conv2d', 'batch_normalization', 'activation',
                                         'average_pooling2d', 'max_pooling2d', 'concatenate'):
            n = int(number) - 1
            rename[layer.name] = stem if n == 0 else '%s_%d' % (stem, n)
    return rename


def keras_cases(rng):
    for (name, type_, fn, divisor, size, pooling, top, style, variant, extra) in KERAS_CASES:
        kwargs = {'include_top': top, 'input_shape': (size, size, 3)}
        if not top:
            kwargs['pooling'] = None if pooling == 'none' else pooling
        model = mk.build(fn, divisor=divisor, seed=len(manifest) + 1, **kwargs)
        rename = tf_keras_names(model) if extra.get('rename') else None
        images = rng.normal(0, 1, (BATCH, size, size, 3)).astype(np.float32)
        if top:
            mk.calibrate_softmax(model, images)
        path = os.path.join(OUT, name + '.h5')
        write_h5(path, model, style, rename)
        write_npy(name + '_in.npy', images)
        write_npy(name + '_out.npy', mk.evaluate(model, images))
        manifest.append({'name': name, 'type': type_, 'file': path, 'divisor': divisor,
                         'size': size, 'pooling': pooling, 'include_top': top,
                         'variant': variant})


# torchvision safetensors --------------------------------------------------------------------

def write_safetensors(path, tensors, dtype='F32', metadata=None):
    """The format of huggingface/safetensors, in a few lines: a little-endian header size,
    the JSON header, the data; floats stored as @dtype, integers as I64."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header['__metadata__'] = metadata
    for key in sorted(tensors):
        t = tensors[key].detach().cpu()
        if t.dtype == torch.int64:
            kind, data = 'I64', t.numpy().tobytes()
        elif dtype == 'F16':
            kind, data = 'F16', t.to(torch.float16).numpy().tobytes()
        elif dtype == 'BF16':
            kind, data = 'BF16', t.to(torch.bfloat16).view(torch.int16).numpy().tobytes()
        else:
            kind, data = 'F32', t.to(torch.float32).numpy().tobytes()
        header[key] = {'dtype': kind, 'shape': list(t.shape),
                       'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for data in blobs:
            f.write(data)


def randomise(model, seed):
    """Seeded weights and BatchNorm statistics that keep the activations in range."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                fan_in = m.weight[0].numel()
                m.weight.copy_(torch.randn(m.weight.shape, generator=g) * (2.0 / fan_in) ** 0.5)
                if m.bias is not None:
                    m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.1)
            elif isinstance(m, nn.BatchNorm2d):
                c = m.num_features
                m.weight.copy_(0.8 + 0.4 * torch.rand(c, generator=g))
                m.bias.copy_(torch.randn(c, generator=g) * 0.1)
                m.running_mean.copy_(torch.randn(c, generator=g) * 0.1)
                m.running_var.copy_(0.5 + torch.rand(c, generator=g))
                m.num_batches_tracked.fill_(123)
    return model.eval()


class NarrowResNet(tv_resnet.ResNet):
    """torchvision's ResNet50 (its Bottleneck, its forward) with every width divided."""

    def __init__(self, k, num_classes):
        nn.Module.__init__(self)
        self._norm_layer = nn.BatchNorm2d
        self.inplanes = 64 // k
        self.dilation = 1
        self.groups = 1
        self.base_width = 64
        self.conv1 = nn.Conv2d(3, self.inplanes, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.layer1 = self._make_layer(tv_resnet.Bottleneck, 64 // k, 3)
        self.layer2 = self._make_layer(tv_resnet.Bottleneck, 128 // k, 4, stride=2)
        self.layer3 = self._make_layer(tv_resnet.Bottleneck, 256 // k, 6, stride=2)
        self.layer4 = self._make_layer(tv_resnet.Bottleneck, 512 // k, 3, stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(2048 // k, num_classes)

    def backbone(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        return self.layer4(self.layer3(self.layer2(self.layer1(x))))


class NoInit:
    """Skips torch's initialisation while a model is made (randomise() sets every value):
    torchvision's VGG first makes its full-size 25088 × 4096 classifier."""

    def __enter__(self):
        self.saved = nn.Linear.reset_parameters, nn.Conv2d.reset_parameters
        nn.Linear.reset_parameters = nn.Conv2d.reset_parameters = lambda self: None

    def __exit__(self, *args):
        nn.Linear.reset_parameters, nn.Conv2d.reset_parameters = self.saved


def narrow_vgg(cfg, k):
    layers = [v if v == 'M' else v // k for v in tv_vgg.cfgs[cfg]]
    with NoInit():
        model = tv_vgg.VGG(tv_vgg.make_layers(layers), num_classes=1000 // k,
                           init_weights=False)
    model.classifier[0] = nn.Linear(512 // k * 49, 4096 // k)
    model.classifier[3] = nn.Linear(4096 // k, 4096 // k)
    model.classifier[6] = nn.Linear(4096 // k, 1000 // k)
    return model


def narrow_mobilenet(k):
    model = tv_mobilenet.MobileNetV2(num_classes=1000 // k, width_mult=1.0 / k, round_nearest=1)
    last_in = model.features[17].conv[-2].out_channels
    model.features[18] = torchvision.ops.misc.Conv2dNormActivation(
        last_in, 1280 // k, kernel_size=1, norm_layer=nn.BatchNorm2d, activation_layer=nn.ReLU6)
    model.classifier[1] = nn.Linear(1280 // k, 1000 // k)
    return model


def calibrate_classifier(model, features, images, spread=2.0):
    """As mockkeras.calibrate_softmax: class scores that spread by about @spread."""
    last = [m for m in model.modules() if isinstance(m, nn.Linear)][-1]
    with torch.no_grad():
        x = torch.from_numpy(images).permute(0, 3, 1, 2)
        factor = spread / max(float(features(model, x).std()), 1e-12)
        last.weight.mul_(factor)
        last.bias.mul_(factor)


def to_nhwc(y):
    return (y.permute(0, 2, 3, 1) if y.dim() == 4 else y).double().numpy()


def pool(y, pooling):
    if pooling == 'avg':
        return y.mean(dim=(2, 3))
    if pooling == 'max':
        return y.amax(dim=(2, 3))
    return y


def torch_case(rng, name, type_, model, features, size, pooling, top, divisor, dtype='F32',
               timm=False, metadata=None, old_densenet=False, batch=BATCH):
    model = randomise(model, len(manifest) + 100)
    images = rng.normal(0, 1, (batch, size, size, 3)).astype(np.float32)
    if top:
        calibrate_classifier(model, features, images)
    state = model.state_dict()
    if dtype != 'F32':
        # the reference runs on the values the file holds
        with torch.no_grad():
            for key, value in state.items():
                if value.is_floating_point():
                    cast = torch.float16 if dtype == 'F16' else torch.bfloat16
                    value.copy_(value.to(cast).to(torch.float32))
    tensors = dict(state)
    if timm:
        tensors['pre_logits.fc1.weight'] = tensors.pop('classifier.0.weight').reshape(
            4096 // divisor, 512 // divisor, 7, 7)
        tensors['pre_logits.fc1.bias'] = tensors.pop('classifier.0.bias')
        tensors['pre_logits.fc2.weight'] = tensors.pop('classifier.3.weight')[:, :, None, None]
        tensors['pre_logits.fc2.bias'] = tensors.pop('classifier.3.bias')
        tensors['head.fc.weight'] = tensors.pop('classifier.6.weight')
        tensors['head.fc.bias'] = tensors.pop('classifier.6.bias')
    if old_densenet:
        for key in list(tensors):
            for module in ('norm1', 'conv1', 'norm2', 'conv2'):
                marker = '.%s.' % module
                if 'denselayer' in key and marker in key:
                    tensors[key.replace(marker, '.%s.%s.' % (module[:4], module[4]))] = \
                        tensors.pop(key)
    path = os.path.join(OUT, name + '.safetensors')
    write_safetensors(path, tensors, dtype, metadata)
    with torch.no_grad():
        model = model.double()
        x = torch.from_numpy(images.astype(np.float64)).permute(0, 3, 1, 2)
        y = features(model, x)
        y = torch.softmax(y, dim=1) if top else pool(y, pooling)
    write_npy(name + '_in.npy', images)
    write_npy(name + '_out.npy', to_nhwc(y))
    manifest.append({'name': name, 'type': type_, 'file': path, 'divisor': divisor,
                     'size': size, 'pooling': pooling, 'include_top': top,
                     'variant': 'auto'})


def torch_cases(rng):
    k = 16
    torch_case(rng, 'tv_resnet50', 'ResNet50', NarrowResNet(k, 1000 // k),
               lambda m, x: m.backbone(x), 32, 'avg', False, k)
    torch_case(rng, 'tv_resnet50_top_f16', 'ResNet50', NarrowResNet(k, 1000 // k),
               lambda m, x: m(x), 32, 'none', True, k, dtype='F16')
    # the classifier needs VGG's 7 × 7 map, so 224 × 224 images, and narrower layers
    torch_case(rng, 'tv_vgg16_top', 'VGG16', narrow_vgg('D', 32), lambda m, x: m(x), 224, 'none',
               True, 32, batch=1)
    torch_case(rng, 'timm_vgg19_top_bf16', 'VGG19', narrow_vgg('E', 32), lambda m, x: m(x), 224,
               'none', True, 32, dtype='BF16', timm=True, batch=1)
    torch_case(rng, 'tv_vgg16_notop', 'VGG16', narrow_vgg('D', k), lambda m, x: m.features(x), 32,
               'max', False, k, metadata={'format': 'pt'})
    torch_case(rng, 'tv_densenet121', 'DenseNet121',
               tv_densenet.DenseNet(32 // k, (6, 12, 24, 16), 64 // k, num_classes=1000 // k),
               lambda m, x: torch.relu(m.features(x)), 32, 'none', False, k)
    torch_case(rng, 'tv_densenet121_old_keys', 'DenseNet121',
               tv_densenet.DenseNet(32 // k, (6, 12, 24, 16), 64 // k, num_classes=1000 // k),
               lambda m, x: torch.relu(m.features(x)), 32, 'avg', False, k, old_densenet=True)
    torch_case(rng, 'tv_mobilenet_v2', 'MobileNetV2', narrow_mobilenet(8),
               lambda m, x: m.features(x), 40, 'none', False, 8)


# Full-width layer lists ---------------------------------------------------------------------

def orders():
    mk.LAZY = True
    result = {}
    for type_, fn, size in (('VGG16', vgg16.VGG16, 224), ('VGG19', vgg19.VGG19, 224),
                            ('ResNet50', resnet_common.ResNet50, 224),
                            ('ResNet50-legacy', resnet50.ResNet50, 224),
                            ('InceptionV3', inception_v3.InceptionV3, 299),
                            ('MobileNetV2', mobilenet_v2.MobileNetV2, 224),
                            ('DenseNet121', densenet.DenseNet121, 224)):
        model = mk.build(fn, include_top=True, input_shape=(size, size, 3))
        result[type_] = [[l.name, [list(s) for s in l.weight_shapes()]]
                         for l in mk.weighted_layers(model)]
    mk.LAZY = False
    with open(os.path.join(OUT, 'keras_order.json'), 'w') as f:
        json.dump(result, f)

    # torchvision's own classes, made without initialising their weights
    keys = {}
    with NoInit():
        for type_, ctor in (('VGG16', torchvision.models.vgg16),
                            ('VGG19', torchvision.models.vgg19),
                            ('ResNet50', torchvision.models.resnet50),
                            ('MobileNetV2', torchvision.models.mobilenet_v2),
                            ('DenseNet121', torchvision.models.densenet121)):
            model = ctor(weights=None)
            keys[type_] = {k: list(v.shape) for k, v in model.state_dict().items()}
    with open(os.path.join(OUT, 'torch_keys.json'), 'w') as f:
        json.dump(keys, f)


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(2)
    rng = np.random.default_rng(7)
    keras_cases(rng)
    torch_cases(rng)
    orders()
    with open(os.path.join(OUT, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=1)


main()
