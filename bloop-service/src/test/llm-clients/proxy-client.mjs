// Runs the official OpenAI and Anthropic clients against one endpoint (the stand-in provider directly,
// or bloop's proxy in front of it) and prints what the application would see, one JSON object per
// scenario, so the test can compare the two runs. Usage:
//   node proxy-client.mjs <openai base URL> <anthropic base URL> <bloop token or -> <trace id prefix>
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';

const [openaiBase, anthropicBase, token, prefix] = process.argv.slice(2);
const bloop = token === '-' ? {} : { 'X-Bloop-Token': token };
const openai = new OpenAI({ apiKey: 'sk-test-openai', baseURL: openaiBase, defaultHeaders: bloop, maxRetries: 0 });
const anthropic = new Anthropic({ apiKey: 'sk-ant-test', baseURL: anthropicBase, defaultHeaders: bloop, maxRetries: 0 });
const bearer = new Anthropic({ apiKey: null, authToken: 'sk-ant-bearer', baseURL: anthropicBase, defaultHeaders: bloop,
  maxRetries: 0 });

const trace = (name, more = {}) => ({ headers: { 'X-Bloop-Trace-Id': `${prefix}-${name}`, ...more } });
const ask = [{ role: 'user', content: 'What is the capital of France?' }];
const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object',
  properties: { city: { type: 'string' } } } } }];

async function collect(stream) {
  const out = [];
  for await (const item of stream) out.push(item);
  return out;
}

const scenarios = {
  'chat': () => openai.chat.completions.create({ model: 'gpt-4o', messages: ask }, trace('chat')),
  'chat-stream': async () => collect(await openai.chat.completions.create(
    { model: 'gpt-4o', messages: ask, stream: true }, trace('chat-stream'))),
  'chat-tools-stream': async () => {
    const runner = openai.chat.completions.stream({ model: 'gpt-4o-mini', messages: ask, tools }, trace('chat-tools-stream'));
    return (await runner.finalChatCompletion()).choices[0].message;
  },
  'responses': () => openai.responses.create({ model: 'o4-mini', input: '2+2?' }, trace('responses')),
  'responses-stream': async () => collect(await openai.responses.create(
    { model: 'o4-mini', input: '2+2?', stream: true }, trace('responses-stream'))),
  'messages': () => anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 1024,
    messages: [{ role: 'user', content: 'Hello' }] }, trace('messages')),
  'messages-stream': async () => {
    const stream = anthropic.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 1024,
      messages: [{ role: 'user', content: 'Hello' }] }, trace('messages-stream'));
    return await stream.finalMessage();
  },
  'messages-bearer': () => bearer.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 1024,
    messages: [{ role: 'user', content: 'Hello' }] }, trace('messages-bearer')),
  'chat-error': () => openai.chat.completions.create({ model: 'gpt-4o', messages: ask },
    trace('chat-error', { 'X-Stand-In': 'error' })),
  'messages-error': () => anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 1024,
    messages: [{ role: 'user', content: 'Hello' }] }, trace('messages-error', { 'X-Stand-In': 'error' })),
  'chat-cut': async () => collect(await openai.chat.completions.create(
    { model: 'gpt-4o', messages: ask, stream: true }, trace('chat-cut', { 'X-Stand-In': 'cut' }))),
  'models': async () => (await openai.models.list()).data,
};

for (const [name, run] of Object.entries(scenarios)) {
  let result;
  try {
    result = { ok: await run() };
  } catch (e) {
    // What an application sees of a failure: the SDK's error class, status and message.
    result = { error: e.constructor.name, status: e.status ?? null, message: e.status ? e.message : 'stream failed' };
  }
  console.log(JSON.stringify({ scenario: name, ...result }));
}
