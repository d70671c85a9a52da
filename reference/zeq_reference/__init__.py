"""PyTorch reference of the Zeq Neural Processor's three model architectures.

Rebuilds torchvision ResNet-50, Hugging Face BertForMaskedLM and GPT2LMHeadModel with
their public parameter names, loads weights from an ONNX model's initializers by name,
and writes reference vectors (inputs and PyTorch's logits) that the TypeScript side's
onnxruntime outputs are compared against.
"""

__all__ = ["__version__"]

__version__ = "1.0.0"
