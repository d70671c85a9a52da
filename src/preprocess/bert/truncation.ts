/**
 * How many tokens of each sequence survive truncation to `budget` tokens, with the
 * "longest_first" strategy of the Hugging Face tokenizers library (truncation.rs): when only
 * the longer sequence must shrink it alone is cut; when both must, the budget is split in
 * half, the odd token going to the longer one (to the second when they are equally long).
 * The slow Python tokenizer removes one token at a time and ends one token apart on ties;
 * we follow the fast tokenizer, the default of AutoTokenizer.
 */
export function longestFirstLengths(n1: number, n2: number, budget: number): [number, number] {
  if (n1 + n2 <= budget) return [n1, n2];
  let short = Math.min(n1, n2);
  let long = Math.max(n1, n2);
  long = short > budget ? short : Math.max(short, budget - short);
  if (short + long > budget) {
    short = Math.floor(budget / 2);
    long = short + (budget % 2);
  }
  return n1 > n2 ? [long, short] : [short, long];
}
