/**
 * Preprocessing: turning what a caller sends (text, image bytes, raw tensors) into the exact
 * model inputs, the same way the reference pipelines (Hugging Face tokenizers, torchvision)
 * do, so that a compute record's input hash names the same tensor a replay will build.
 */
export { PreprocessError, type PreprocessErrorCode } from "./errors.js";
export { TEXT_MAX_CHARS } from "./text-input.js";

export {
  BERT_MAX_LENGTH,
  BERT_SPECIAL_IDS,
  BertTokenizer,
  loadBertTokenizer,
  type BertDecodeOptions,
  type BertEncodeOptions,
  type BertEncoding,
} from "./bert/tokenizer.js";
export { BERT_UNCASED_VOCAB_SHA256 } from "./bert/vocab.js";

export {
  GPT2_EOS_ID,
  GPT2_EOS_TOKEN,
  Gpt2Tokenizer,
  loadGpt2Tokenizer,
  type Gpt2EncodeOptions,
} from "./gpt2/tokenizer.js";
export { GPT2_ENCODER_JSON_SHA256, GPT2_VOCAB_BPE_SHA256 } from "./gpt2/vocab.js";

export {
  IMAGE_MAX_PIXELS,
  preprocessImage,
  type ImageTensor,
  type PreprocessImageOptions,
} from "./image/preprocess-image.js";
export { IMAGENET_MEAN, IMAGENET_STD } from "./image/normalize.js";

export {
  parseTensorInput,
  TENSOR_MAX_ELEMENTS,
  TENSOR_MAX_RANK,
  type ParsedTensor,
  type ParseTensorOptions,
} from "./tensor/parse-tensor.js";
export type { OrtTensorType, TensorData, TensorDatatype } from "./tensor/datatypes.js";
