/**
 * Common English words that are one token with their leading space in the usual encodings (o200k_base,
 * cl100k_base; sized prompts keep, per encoding, those that are). The mock writes its answers from the
 * first MOCK_WORD_COUNT of them, sized prompts from all that fit their encoding: one list, so the two
 * cannot drift apart.
 */
export const ONE_TOKEN_WORDS = [
  'the', 'of', 'and', 'to', 'in', 'is', 'that', 'for', 'it', 'as', 'was', 'with', 'be', 'by', 'on', 'not',
  'he', 'this', 'are', 'or', 'his', 'from', 'at', 'which', 'but', 'have', 'an', 'they', 'you', 'were', 'her',
  'she', 'there', 'one', 'all', 'we', 'their', 'can', 'has', 'more', 'when', 'will', 'would', 'if', 'no',
  'out', 'so', 'said', 'what', 'up', 'its', 'about', 'into', 'than', 'them', 'only', 'other', 'new', 'some',
  'could', 'time', 'these', 'two', 'may', 'then', 'do', 'first', 'any', 'my', 'now', 'such', 'like', 'our',
  'over', 'man', 'me', 'even', 'most', 'made', 'after', 'also', 'did', 'many', 'before', 'must', 'through',
  'back', 'years', 'where', 'much', 'your', 'way', 'well', 'down', 'should', 'because', 'each', 'just',
  'those', 'people', 'how', 'too', 'little', 'state', 'good', 'very', 'make', 'world', 'still', 'own', 'see',
  'men', 'work', 'long', 'get', 'here', 'between', 'both', 'life', 'being', 'under', 'never', 'day', 'same',
  'another', 'know', 'while', 'last', 'might', 'us', 'great', 'old', 'year', 'off', 'come', 'since',
  'against', 'go', 'came', 'right', 'used', 'take', 'three', 'water', 'house', 'city', 'light', 'small',
  'music', 'river', 'green', 'table', 'story', 'paper', 'money', 'night', 'point', 'place', 'order', 'group',
] as const;

/** How many of ONE_TOKEN_WORDS the mock's answers cycle through (each one o200k_base token, checked by a test). */
export const MOCK_WORD_COUNT = 143;
