# mockkeras.py: Keras' backend/layers/models/utils for Debian's keras_applications, in torch
#
# Copyright 2026 The Strata authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# keras_applications is the real Keras architecture code; it takes the Keras modules it uses
# as arguments. These stand-ins record every layer with its exact Keras name, settings,
# inputs and weight shapes, order the layers as Keras 2's Network does (by depth, ties by
# the traversal from the outputs), and evaluate the model in float64 torch with Keras'
# TensorFlow semantics: NHWC, "same" padding with the odd row at the end, per-layer
# BatchNormalization epsilon, average pooling that ignores the padding.
#
# With divisor k every Conv2D's filters and every Dense's units are divided by k, while
# int_shape() keeps answering the full-width channel counts, so the architecture code makes
# the same decisions (residual adds, transition widths) as at full width and the files stay
# tiny. Strata's width_divisor does the same.

import re

import numpy as np
import torch
import torch.nn.functional as F


class Backend:
    def __init__(self):
        self.uids = {}

    def image_data_format(self):
        return 'channels_last'

    def backend(self):
        return 'tensorflow'

    def int_shape(self, x):
        if len(x.shape) == 1:
            return (None, x.nominal)
        return (None, x.shape[0], x.shape[1], x.nominal)

    def is_keras_tensor(self, x):
        return isinstance(x, Tensor)

    def get_uid(self, prefix):
        self.uids[prefix] = self.uids.get(prefix, 0) + 1
        return self.uids[prefix]


class Tensor:
    def __init__(self, layer, shape, nominal):
        self.layer = layer
        self.shape = tuple(shape)       # per sample: (h, w, c) or (n,)
        self.nominal = nominal          # channels as full-width Keras sees them


def _snake(name):
    s = re.sub('(.)([A-Z][a-z]+)', r'\1_\2', name)
    return re.sub('([a-z])([A-Z])', r'\1_\2', s).lower()


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def _same_pads(size, k, s):
    out = -(-size // s)
    total = max((out - 1) * s + k - size, 0)
    return out, total // 2, total - total // 2


class Layer:
    kind = None

    def __init__(self, name=None, **kwargs):
        self.name = name or '%s_%d' % (_snake(type(self).__name__),
                                       _backend.get_uid(_snake(type(self).__name__)))
        self.inputs = []
        self.weights = []               # [(weight name, np.ndarray)] in Keras order

    def __call__(self, x):
        xs = x if isinstance(x, list) else [x]
        self.inputs = xs
        shape, nominal = self.build(xs)
        self.output = Tensor(self, shape, nominal)
        _layers_made.append(self)
        return self.output

    def build(self, xs):
        return xs[0].shape, xs[0].nominal

    def weight_shapes(self):
        return [w.shape for _, w in self.weights]


class InputLayer(Layer):
    pass


def Input(shape=None, tensor=None, **kwargs):
    layer = InputLayer(name=kwargs.get('name') or 'input_%d' % _backend.get_uid('input'))
    layer.output = Tensor(layer, shape, shape[-1])
    _layers_made.append(layer)
    return layer.output


def _act(name):
    return {None: 'linear', 'linear': 'linear', 'relu': 'relu', 'softmax': 'softmax'}[name]


class Conv2D(Layer):
    def __init__(self, filters, kernel_size, strides=(1, 1), padding='valid', use_bias=True,
                 activation=None, name=None, **kwargs):
        super().__init__(name)
        self.nominal = filters
        self.filters = max(filters // _divisor, 1)
        self.kernel = _pair(kernel_size)
        self.strides = _pair(strides)
        self.padding = padding.lower()
        self.use_bias = use_bias
        self.activation = _act(activation)

    def out_size(self, h, w):
        if self.padding == 'same':
            return (-(-h // self.strides[0]), -(-w // self.strides[1]))
        return ((h - self.kernel[0]) // self.strides[0] + 1,
                (w - self.kernel[1]) // self.strides[1] + 1)

    def build(self, xs):
        h, w, c = xs[0].shape
        fan_in = self.kernel[0] * self.kernel[1] * c
        kernel = _normal(0, (2.0 / fan_in) ** 0.5, self.kernel + (c, self.filters))
        self.weights = [('kernel', kernel)]
        if self.use_bias:
            self.weights.append(('bias', _normal(0, 0.1, self.filters)))
        return self.out_size(h, w) + (self.filters,), self.nominal


class DepthwiseConv2D(Conv2D):
    def __init__(self, kernel_size, strides=(1, 1), padding='valid', use_bias=True,
                 activation=None, name=None, depth_multiplier=1, **kwargs):
        Layer.__init__(self, name)
        self.kernel = _pair(kernel_size)
        self.strides = _pair(strides)
        self.padding = padding.lower()
        self.use_bias = use_bias
        self.activation = _act(activation)

    def build(self, xs):
        h, w, c = xs[0].shape
        kernel = _normal(0, (2.0 / 9) ** 0.5, self.kernel + (c, 1))
        self.weights = [('depthwise_kernel', kernel)]
        if self.use_bias:
            self.weights.append(('bias', _normal(0, 0.1, c)))
        self.filters = c
        return self.out_size(h, w) + (c,), xs[0].nominal


class BatchNormalization(Layer):
    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 name=None, **kwargs):
        super().__init__(name)
        self.epsilon = epsilon
        self.scale = scale
        self.center = center

    def build(self, xs):
        c = xs[0].shape[-1]
        if self.scale:
            self.weights.append(('gamma', _uniform(0.8, 1.2, c)))
        if self.center:
            self.weights.append(('beta', _normal(0, 0.1, c)))
        self.weights.append(('moving_mean', _normal(0, 0.1, c)))
        self.weights.append(('moving_variance', _uniform(0.5, 1.5, c)))
        return xs[0].shape, xs[0].nominal


class Activation(Layer):
    def __init__(self, activation, name=None, **kwargs):
        super().__init__(name)
        self.activation = _act(activation)


class ReLU(Layer):
    def __init__(self, max_value=None, name=None, **kwargs):
        super().__init__(name)
        self.activation = 'relu6' if max_value == 6 else 'relu'


class ZeroPadding2D(Layer):
    def __init__(self, padding=(1, 1), name=None, **kwargs):
        super().__init__(name)
        if isinstance(padding, int):
            padding = ((padding, padding), (padding, padding))
        elif isinstance(padding[0], int):
            padding = ((padding[0], padding[0]), (padding[1], padding[1]))
        self.pad = (padding[0][0], padding[0][1], padding[1][0], padding[1][1])

    def build(self, xs):
        h, w, c = xs[0].shape
        t, b, l, r = self.pad
        return (h + t + b, w + l + r, c), xs[0].nominal


class _Pooling(Layer):
    def __init__(self, pool_size=(2, 2), strides=None, padding='valid', name=None, **kwargs):
        super().__init__(name)
        self.kernel = _pair(pool_size)
        self.strides = _pair(strides) if strides is not None else self.kernel
        self.padding = padding.lower()

    def build(self, xs):
        h, w, c = xs[0].shape
        return Conv2D.out_size(self, h, w) + (c,), xs[0].nominal


class MaxPooling2D(_Pooling):
    pass


class AveragePooling2D(_Pooling):
    pass


class GlobalAveragePooling2D(Layer):
    def build(self, xs):
        return (xs[0].shape[-1],), xs[0].nominal


class GlobalMaxPooling2D(GlobalAveragePooling2D):
    pass


class Flatten(Layer):
    def build(self, xs):
        n = int(np.prod(xs[0].shape))
        return (n,), n


class Dense(Layer):
    def __init__(self, units, activation=None, use_bias=True, name=None, **kwargs):
        super().__init__(name)
        self.units = max(units // _divisor, 1)
        self.nominal = units
        self.activation = _act(activation)

    def build(self, xs):
        n = xs[0].shape[0]
        self.weights = [('kernel', _normal(0, (1.0 / n) ** 0.5, (n, self.units))),
                        ('bias', _normal(0, 0.1, self.units))]
        return (self.units,), self.nominal


class Add(Layer):
    pass


class Concatenate(Layer):
    def __init__(self, axis=-1, name=None, **kwargs):
        super().__init__(name)

    def build(self, xs):
        shape = xs[0].shape[:-1] + (sum(x.shape[-1] for x in xs),)
        return shape, sum(x.nominal for x in xs)


def add(xs, **kwargs):
    return Add(**kwargs)(xs)


def concatenate(xs, axis=-1, **kwargs):
    return Concatenate(axis=axis, **kwargs)(xs)


class Model:
    def __init__(self, inputs, outputs, name=None):
        self.name = name
        self.input = inputs
        self.output = outputs
        self.layers = keras_order(outputs)


def keras_order(output):
    """Keras 2.2's Network._init_graph_network: layers by decreasing depth, ties broken by the
    order in which a depth-first walk from the output (inputs in order) reaches them."""
    index, post = {}, []

    def visit(layer):
        if layer in index:
            return
        index[layer] = len(index)
        for x in layer.inputs:
            visit(x.layer)
        post.append(layer)

    visit(output.layer)
    depth = {}
    for layer in reversed(post):
        d = depth.setdefault(layer, 0)
        for x in layer.inputs:
            depth[x.layer] = max(depth.get(x.layer, 0), d + 1)
    return sorted(post, key=lambda l: (-depth[l], index[l]))


class Utils:
    @staticmethod
    def get_source_inputs(x):
        return [x]


class LayersModule:
    pass


for _name, _value in list(globals().items()):
    if isinstance(_value, type) and issubclass(_value, Layer) or _name in (
            'Input', 'add', 'concatenate'):
        setattr(LayersModule, _name, _value)


class ModelsModule:
    Model = Model


def _normal(mean, std, shape):
    if LAZY:
        return np.broadcast_to(np.float32(0), shape)
    return _rng.normal(mean, std, shape).astype(np.float32)


def _uniform(low, high, shape):
    if LAZY:
        return np.broadcast_to(np.float32(0), shape)
    return _rng.uniform(low, high, shape).astype(np.float32)


LAZY = False                    # weights as zero-cost views: for layer lists at full width
_backend = Backend()
_layers_made = []
_divisor = 1
_rng = np.random.default_rng(0)


def build(fn, divisor=1, seed=0, **kwargs):
    """Runs a keras_applications constructor on the mocks; returns the Model."""
    global _backend, _layers_made, _divisor, _rng
    _backend, _layers_made, _divisor = Backend(), [], divisor
    _rng = np.random.default_rng(seed)
    return fn(weights=None, backend=_backend, layers=LayersModule, models=ModelsModule,
              utils=Utils, **kwargs)


# Evaluation ---------------------------------------------------------------------------------

def _pad_same(x, layer):
    _, _, h, w = x.shape
    _, top, bottom = _same_pads(h, layer.kernel[0], layer.strides[0])
    _, left, right = _same_pads(w, layer.kernel[1], layer.strides[1])
    return (left, right, top, bottom)


def _activate(x, name):
    if name == 'relu':
        return torch.relu(x)
    if name == 'relu6':
        return torch.clamp(x, 0, 6)
    if name == 'softmax':
        return torch.softmax(x, dim=1)
    return x


def _run(layer, xs):
    x = xs[0]
    w = {k: torch.from_numpy(v.astype(np.float64)) for k, v in layer.weights}
    if isinstance(layer, (Conv2D,)):
        if layer.padding == 'same':
            x = F.pad(x, _pad_same(x, layer))
        if isinstance(layer, DepthwiseConv2D):
            k = w['depthwise_kernel'].permute(2, 3, 0, 1)
            y = F.conv2d(x, k, w.get('bias'), layer.strides, groups=x.shape[1])
        else:
            y = F.conv2d(x, w['kernel'].permute(3, 2, 0, 1), w.get('bias'), layer.strides)
        return _activate(y, layer.activation)
    if isinstance(layer, BatchNormalization):
        c = x.shape[1]
        gamma = w.get('gamma', torch.ones(c, dtype=torch.float64))
        beta = w.get('beta', torch.zeros(c, dtype=torch.float64))
        shape = (1, c, 1, 1) if x.dim() == 4 else (1, c)
        return ((x - w['moving_mean'].view(shape)) / torch.sqrt(w['moving_variance'].view(shape)
                + layer.epsilon)) * gamma.view(shape) + beta.view(shape)
    if isinstance(layer, (Activation, ReLU)):
        return _activate(x, layer.activation)
    if isinstance(layer, ZeroPadding2D):
        t, b, l, r = layer.pad
        return F.pad(x, (l, r, t, b))
    if isinstance(layer, MaxPooling2D):
        if layer.padding == 'same':
            x = F.pad(x, _pad_same(x, layer), value=-float('inf'))
        return F.max_pool2d(x, layer.kernel, layer.strides)
    if isinstance(layer, AveragePooling2D):
        if layer.padding == 'same':
            pads = _pad_same(x, layer)
            ones = F.pad(torch.ones_like(x[:, :1]), pads)
            total = F.avg_pool2d(F.pad(x, pads), layer.kernel, layer.strides)
            return total / F.avg_pool2d(ones, layer.kernel, layer.strides)
        return F.avg_pool2d(x, layer.kernel, layer.strides)
    if isinstance(layer, GlobalMaxPooling2D):
        return x.amax(dim=(2, 3))
    if isinstance(layer, GlobalAveragePooling2D):
        return x.mean(dim=(2, 3))
    if isinstance(layer, Flatten):
        return x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)
    if isinstance(layer, Dense):
        return _activate(x @ w['kernel'] + w['bias'], layer.activation)
    if isinstance(layer, Add):
        return sum(xs)
    if isinstance(layer, Concatenate):
        return torch.cat(xs, dim=1)
    raise NotImplementedError(type(layer).__name__)


def evaluate(model, images, upto=None):
    """images: NHWC float array; returns the output (or that of the layer @upto), NHWC or
    (N, features), float64."""
    values = {}
    x = torch.from_numpy(np.asarray(images, dtype=np.float64)).permute(0, 3, 1, 2)
    for layer in model.layers:
        if isinstance(layer, InputLayer):
            values[layer] = x
        else:
            values[layer] = _run(layer, [values[t.layer] for t in layer.inputs])
    y = values[upto or model.output.layer]
    return (y.permute(0, 2, 3, 1) if y.dim() == 4 else y).numpy()


def calibrate_softmax(model, images, spread=2.0):
    """Scales the softmax layer's weights so that its scores spread by about @spread on
    @images: random weights otherwise give saturated, uninformative probabilities."""
    dense = model.output.layer
    x = torch.from_numpy(evaluate(model, images, upto=dense.inputs[0].layer))
    w = dict(dense.weights)
    scores = x @ torch.from_numpy(w['kernel'].astype(np.float64))
    factor = np.float32(spread / max(float(scores.std()), 1e-12))
    dense.weights = [(k, v * factor) for k, v in dense.weights]


def weighted_layers(model):
    return [l for l in model.layers if l.weights]
