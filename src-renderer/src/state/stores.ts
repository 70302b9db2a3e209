// The page's one set of stores, as hooks for the features. Made here from the real api and the layout
// worker; the reactions between them start in main.tsx (connectStores), not when this module is imported.
import { api } from '../api';
import { layoutInWorker } from '../lib/graph-layout-client';
import { createAppStores } from './app-stores';

export const appStores = createAppStores({ api, layout: layoutInWorker });

export const {
  commands,
  caseData: useCaseData,
  graph: useGraph,
  selection: useSelection,
  analysis: useAnalysis,
  analyst: useAnalyst,
  view: useView,
  importer: useImport,
  verify: useVerify,
} = appStores;
