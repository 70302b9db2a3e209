// The whole surface the renderer gets in Electron: one function per contract method, nothing else. The
// renderer never sees ipcRenderer, Node, or a channel it could choose.
import { contextBridge, ipcRenderer } from 'electron';
import { ipcChannel, METHOD_NAMES } from './shared/contract';

const api = Object.fromEntries(METHOD_NAMES.map((method) => [method, (input: unknown) => ipcRenderer.invoke(ipcChannel(method), input)]));

contextBridge.exposeInMainWorld('causa', Object.freeze(api));
