// Reads the JSON-RPC messages out of strowk/mcp-k8s-go's YAML test cases (test/fixtures/corpus/mcp/
// mcp-k8s-go_cases), which are not a transcript format: each case holds an `in:` request and an `out:`
// response as a YAML flow mapping. The corpus bytes are read unchanged; each flow mapping is cut out by
// bracket matching and turned into JSON by the only YAML-flow rules these files use: `#` comments
// dropped, 'single-quoted' scalars (no escapes, '' for ') turned into JSON strings, the matcher tags
// `!!re`/`!!ere` dropped (their pattern is kept as the string), trailing commas dropped.
import { readFileSync } from 'node:fs';

/** Cuts the flow mapping starting at `start` (a `{`) and returns its JSON text and where it ends. */
function flowToJson(text: string, start: number): { json: string; end: number } {
  let out = '';
  let depth = 0;
  let i = start;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === "'") {
      let j = i + 1;
      let value = '';
      for (;;) {
        if (text[j] === "'" && text[j + 1] === "'") {
          value += "'";
          j += 2;
        } else if (text[j] === "'") break;
        else value += text[j++];
      }
      out += JSON.stringify(value);
      i = j + 1;
      continue;
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i += 1;
      continue;
    }
    if (c === '!' && text[i + 1] === '!') {
      while (text[i] !== ' ') i += 1;
      continue;
    }
    if (c === '{' || c === '[') depth += 1;
    if (c === '}' || c === ']') {
      out = out.replace(/,\s*$/, '');
      depth -= 1;
    }
    out += c;
    i += 1;
    if (depth === 0) break;
  }
  return { json: out, end: i };
}

/** Every `in:` and `out:` message of a case file, in file order, each as one line of compact JSON. */
export function caseMessages(path: string): { role: 'in' | 'out'; line: string }[] {
  const text = readFileSync(path, 'utf8');
  const messages: { role: 'in' | 'out'; line: string }[] = [];
  const key = /^(in|out):/gm;
  for (let m = key.exec(text); m; m = key.exec(text)) {
    const open = text.indexOf('{', m.index);
    const { json, end } = flowToJson(text, open);
    messages.push({ role: m[1] as 'in' | 'out', line: JSON.stringify(JSON.parse(json)) });
    key.lastIndex = end;
  }
  return messages;
}
