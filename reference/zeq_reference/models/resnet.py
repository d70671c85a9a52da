"""ResNet with torchvision's Bottleneck (v1.5) layout and state_dict names.

The standard configuration is torchvision.models.resnet50(weights=None) itself. Narrower
or shallower variants (the tiny fixture) keep torchvision's module names and forward
exactly, with the stem width, per-stage bottleneck widths and output channels, block
counts and class count taken from the weights' shapes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torchvision
from torch import nn

from ..errors import ReferenceToolError


@dataclass(frozen=True)
class ResNetConfig:
    in_channels: int
    stem_width: int
    widths: tuple[int, ...]  # bottleneck inner width per stage (conv1/conv2 channels)
    out_channels: tuple[int, ...]  # block output channels per stage (conv3)
    blocks: tuple[int, ...]
    strides: tuple[int, ...]
    num_classes: int

    def is_torchvision_resnet50(self) -> bool:
        return self == RESNET50


RESNET50 = ResNetConfig(
    in_channels=3,
    stem_width=64,
    widths=(64, 128, 256, 512),
    out_channels=(256, 512, 1024, 2048),
    blocks=(3, 4, 6, 3),
    strides=(1, 2, 2, 2),
    num_classes=1000,
)


class Bottleneck(nn.Module):
    """torchvision's Bottleneck (stride on the 3x3 conv) with explicit widths."""

    def __init__(self, inplanes: int, width: int, out: int, stride: int, downsample: nn.Module | None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, width, kernel_size=1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, out, kernel_size=1, bias=False)
        self.bn3 = nn.BatchNorm2d(out)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        return self.relu(out + identity)


class ResNet(nn.Module):
    """torchvision.models.ResNet's forward with a configurable Bottleneck stack."""

    def __init__(self, cfg: ResNetConfig):
        super().__init__()
        self.conv1 = nn.Conv2d(cfg.in_channels, cfg.stem_width, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(cfg.stem_width)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        inplanes = cfg.stem_width
        for i, (width, out, n, stride) in enumerate(zip(cfg.widths, cfg.out_channels, cfg.blocks, cfg.strides)):
            layers = []
            for b in range(n):
                s = stride if b == 0 else 1
                downsample = None
                if b == 0 and (s != 1 or inplanes != out):
                    downsample = nn.Sequential(
                        nn.Conv2d(inplanes, out, kernel_size=1, stride=s, bias=False), nn.BatchNorm2d(out)
                    )
                layers.append(Bottleneck(inplanes, width, out, s, downsample))
                inplanes = out
            self.add_module(f"layer{i + 1}", nn.Sequential(*layers))
        self.num_stages = len(cfg.blocks)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(inplanes, cfg.num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        for i in range(self.num_stages):
            x = getattr(self, f"layer{i + 1}")(x)
        return self.fc(torch.flatten(self.avgpool(x), 1))


def build_resnet(cfg: ResNetConfig) -> nn.Module:
    """torchvision's resnet50() for the standard config, else the same layout resized."""
    if cfg.is_torchvision_resnet50():
        return torchvision.models.resnet50(weights=None)
    return ResNet(cfg)


def _shape(weights: dict[str, np.ndarray], name: str) -> tuple[int, ...]:
    if name not in weights:
        raise ReferenceToolError("REF_WEIGHTS_MISSING", f"resnet: initializer {name!r} not found")
    return tuple(weights[name].shape)


def infer_resnet_config(weights: dict[str, np.ndarray], strides: tuple[int, ...] | None = None) -> ResNetConfig:
    """Read a ResNet's configuration from its torchvision-named weight shapes.

    Strides cannot be seen in shapes: torchvision's (1, 2, 2, ...) unless given.

    :raises ReferenceToolError: REF_WEIGHTS_MISSING, REF_CONFIG_INVALID.
    """
    stem = _shape(weights, "conv1.weight")
    if len(stem) != 4 or stem[2:] != (7, 7):
        raise ReferenceToolError(
            "REF_CONFIG_INVALID", f"resnet: conv1.weight has shape {list(stem)}, expected [C, 3, 7, 7]"
        )
    stages = 0
    while f"layer{stages + 1}.0.conv1.weight" in weights:
        stages += 1
    if stages == 0:
        raise ReferenceToolError("REF_CONFIG_INVALID", "resnet: no layer1.0.* weights")
    widths, outs, blocks = [], [], []
    for s in range(1, stages + 1):
        n = 0
        while f"layer{s}.{n}.conv1.weight" in weights:
            n += 1
        blocks.append(n)
        widths.append(_shape(weights, f"layer{s}.0.conv1.weight")[0])
        outs.append(_shape(weights, f"layer{s}.0.conv3.weight")[0])
    fc = _shape(weights, "fc.weight")
    if len(fc) != 2 or fc[1] != outs[-1]:
        raise ReferenceToolError(
            "REF_CONFIG_INVALID", f"resnet: fc.weight {list(fc)} does not take {outs[-1]} features"
        )
    if strides is None:
        strides = (1,) + (2,) * (stages - 1)
    if len(strides) != stages:
        raise ReferenceToolError("REF_CONFIG_INVALID", f"resnet: {len(strides)} strides for {stages} stages")
    return ResNetConfig(
        in_channels=stem[1],
        stem_width=stem[0],
        widths=tuple(widths),
        out_channels=tuple(outs),
        blocks=tuple(blocks),
        strides=tuple(strides),
        num_classes=fc[0],
    )
