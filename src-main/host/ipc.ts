// The contract over Electron IPC: one channel per method, derived from the contract. Every call is checked
// to come from the workbench's own top-level frame and its input is parsed before anything runs.
import { ipcMain, type WebFrameMain } from 'electron';
import { ipcChannel, METHOD_NAMES, type Handlers } from '../shared/contract';
import { dispatch } from './dispatch';

export function registerIpc(handlers: Handlers, isTrustedFrame: (frame: WebFrameMain | null) => boolean): void {
  for (const method of METHOD_NAMES) {
    ipcMain.handle(ipcChannel(method), (event, input: unknown) => {
      if (!isTrustedFrame(event.senderFrame)) {
        return { ok: false, code: 'unauthorized', message: 'IPC from an untrusted frame' };
      }
      return dispatch(handlers, method, input);
    });
  }
}
