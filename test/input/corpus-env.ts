/** The environment the curl corpus runs with: fake keys long enough to be masked, and the docs' variables. */
export const CORPUS_ENV: Readonly<Record<string, string>> = {
  OPENAI_API_KEY: 'sk-proj-Abc123Def456Ghi789',
  OPENAI_ORG_ID: 'org-QmXv7Yz',
  PROJECT_ID: 'proj_2bD9',
  ANTHROPIC_API_KEY: 'sk-ant-api03-Qwe123Rty456',
  AZURE_OPENAI_ENDPOINT: 'https://contoso.openai.azure.com',
  AZURE_OPENAI_API_KEY: '0123456789abcdef0123456789abcdef',
  AZURE_OPENAI_RESOURCE: 'contoso-westeu',
  DEPLOYMENT_NAME: 'gpt-4o-mini-dep',
  AZURE_AD_TOKEN: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.aad',
  DEEPSEEK_API_KEY: 'sk-ds-0f1e2d3c4b5a6978',
  OPENROUTER_API_KEY: 'sk-or-v1-deadbeefcafe0123',
  GROQ_API_KEY: 'gsk_AbCdEfGh12345678',
  MISTRAL_API_KEY: 'mistral-key-0123456789',
  GEMINI_API_KEY: 'AIzaSyA-gemini-key-0123',
  PROXY_TOKEN: 'proxy-token-0123456789',
};
