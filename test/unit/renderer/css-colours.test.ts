// Colours live in one place: src-renderer/src/styles/tokens.css names every colour as a custom property, and
// every other stylesheet of the renderer uses var(--…). A literal colour anywhere else (hex, rgb(), hsl(),
// hwb(), lab(), a named colour) fails here with its file, line and text.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const RENDERER = join(ROOT, 'src-renderer');
const TOKENS = 'src-renderer/src/styles/tokens.css';

// CSS Color Module 4's named colours; transparent, currentColor and inherit are not colours of their own.
const NAMED = `aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue blueviolet brown
burlywood cadetblue chartreuse chocolate coral cornflowerblue cornsilk crimson cyan darkblue darkcyan darkgoldenrod
darkgray darkgreen darkgrey darkkhaki darkmagenta darkolivegreen darkorange darkorchid darkred darksalmon darkseagreen
darkslateblue darkslategray darkslategrey darkturquoise darkviolet deeppink deepskyblue dimgray dimgrey dodgerblue
firebrick floralwhite forestgreen fuchsia gainsboro ghostwhite gold goldenrod gray green greenyellow grey honeydew
hotpink indianred indigo ivory khaki lavender lavenderblush lawngreen lemonchiffon lightblue lightcoral lightcyan
lightgoldenrodyellow lightgray lightgreen lightgrey lightpink lightsalmon lightseagreen lightskyblue lightslategray
lightslategrey lightsteelblue lightyellow lime limegreen linen magenta maroon mediumaquamarine mediumblue mediumorchid
mediumpurple mediumseagreen mediumslateblue mediumspringgreen mediumturquoise mediumvioletred midnightblue mintcream
mistyrose moccasin navajowhite navy oldlace olive olivedrab orange orangered orchid palegoldenrod palegreen
paleturquoise palevioletred papayawhip peachpuff peru pink plum powderblue purple rebeccapurple red rosybrown
royalblue saddlebrown salmon seagreen seashell sienna silver skyblue slateblue slategray slategrey snow springgreen
steelblue tan teal thistle tomato turquoise violet wheat white whitesmoke yellow yellowgreen`.split(/\s+/);

const FUNCTIONAL = /\b(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\(/i;
const HEX = /#[0-9a-f]{3,8}\b/i;
// A named colour as a value: after a colon, space, comma or parenthesis, and not part of a longer word,
// a custom property name (--white-x) or a selector (.white).
const NAMED_VALUE = new RegExp(`(?<![\\w.#-])(?:${NAMED.join('|')})(?![\\w-])`, 'i');

/** The literal colours in a stylesheet's declarations, as "line N: declaration". Comments and selectors are ignored. */
export function literalColours(css: string): string[] {
  // Blank out comments but keep their newlines, so line numbers stay true.
  const text = css.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '));
  const found: string[] = [];
  // A declaration is `property: value` ended by `;` or `}`; a selector (`a:hover {`) is ended by `{` and never
  // matches. The value may run over several lines.
  for (const m of text.matchAll(/([\w-]+)\s*:([^;{}]*)(?=[;}])/g)) {
    const value = m[2]!;
    if (HEX.test(value) || FUNCTIONAL.test(value) || NAMED_VALUE.test(value)) {
      const line = text.slice(0, m.index).split('\n').length;
      found.push(`line ${line}: ${m[0].replace(/\s+/g, ' ').trim()};`);
    }
  }
  return found;
}

function cssFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return cssFiles(path);
    return entry.name.endsWith('.css') ? [path] : [];
  });
}

describe('literal colours in the renderer’s stylesheets', () => {
  it('finds each kind of literal colour, and not var(), transparent, currentColor, inherit or a selector', () => {
    const planted = [
      '.a {',
      '  color: #fff;',
      '  background: rgba(0, 0, 0, 0.4);',
      '  border-color: hsl(200 50% 50%);',
      '  outline: 1px solid red;',
      '  fill: White;',
      '  box-shadow: 0 0 0 1px var(--line), 0 1px 2px #00000080;',
      '  color: var(--text);',
      '  border: 1px solid transparent;',
      '  fill: currentColor;',
      '  color: inherit;',
      '  box-shadow:',
      '    inset 4px 0 0 var(--outcome),',
      '    0 1px 3px rgb(0 0 0 / 35%);',
      '  white-space: nowrap;',
      '  --red-line: var(--deny);',
      '}',
      '.tag.red:hover,',
      '.b:not(.white) {',
      '  /* color: #123456 in a comment */',
      '  background: linear-gradient(90deg, transparent 0 12px, var(--loading-stripe) 12px 24px);',
      '}',
    ].join('\n');
    expect(literalColours(planted)).toEqual([
      'line 2: color: #fff;',
      'line 3: background: rgba(0, 0, 0, 0.4);',
      'line 4: border-color: hsl(200 50% 50%);',
      'line 5: outline: 1px solid red;',
      'line 6: fill: White;',
      'line 7: box-shadow: 0 0 0 1px var(--line), 0 1px 2px #00000080;',
      'line 12: box-shadow: inset 4px 0 0 var(--outcome), 0 1px 3px rgb(0 0 0 / 35%);',
    ]);
  });

  it('the tokens file exists and names colours (so the rule below has something to exempt)', () => {
    const tokens = readFileSync(join(ROOT, TOKENS), 'utf8');
    expect(literalColours(tokens).length).toBeGreaterThan(20);
  });

  it('no stylesheet but tokens.css names a colour literally', () => {
    const files = cssFiles(RENDERER).map((f) => relative(ROOT, f).split('\\').join('/'));
    // The walk must actually reach the feature stylesheets, or the check below passes vacuously.
    expect(files).toContain('src-renderer/src/styles/base.css');
    expect(files.filter((f) => f.startsWith('src-renderer/src/features/')).length).toBeGreaterThanOrEqual(8);
    const offenders = files
      .filter((f) => f !== TOKENS)
      .flatMap((f) => literalColours(readFileSync(join(ROOT, f), 'utf8')).map((hit) => `${f} ${hit}`));
    expect(offenders).toEqual([]);
  });
});
