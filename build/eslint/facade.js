// The Workbench facade rule: the Electron shell, the hosts and the CLI reach the open case only through
// `Workbench` (src-main/service/workbench.ts) and its handlers, never through its CaseStore. A member
// access or destructuring named `store` in those files is refused; the service layer and tests may use it.
import { relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

/** The files held to the facade: the shell, the hosts (http, ipc, dispatch) and the CLI. */
export function usesFacade(file) {
  return /^src-main\/(index|window|preload|cli)\.ts$/.test(file) || file.startsWith('src-main/host/') || file.startsWith('src-main/cli/');
}

const MESSAGE = 'reach the case through the Workbench facade (a Workbench method or handler), not its store';

export const facadePlugin = {
  rules: {
    'no-store': {
      meta: { type: 'problem', schema: [], messages: { store: MESSAGE } },
      create(context) {
        const file = relative(ROOT, context.filename).split('\\').join('/');
        if (!usesFacade(file)) return {};
        const named = (key) => (key?.type === 'Identifier' && key.name === 'store') || (key?.type === 'Literal' && key.value === 'store');
        return {
          MemberExpression(node) {
            if (node.object.type !== 'ThisExpression' && named(node.property)) context.report({ node, messageId: 'store' });
          },
          'ObjectPattern > Property'(node) {
            if (named(node.key)) context.report({ node, messageId: 'store' });
          },
        };
      },
    },
  },
};
