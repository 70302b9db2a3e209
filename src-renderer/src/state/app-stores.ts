// The renderer's stores, made together, and every reaction between them declared here and nowhere else.
// createAppStores makes a fresh set (the page makes one, in stores.ts; a test makes its own with a fake
// api); connectStores starts the reactions and returns the function that stops them. No store subscribes
// to another on its own, and nothing here runs when the module is imported.
import type { Api } from '../../../src-main/shared/contract';
import type { AnalysisState } from '../../../src-main/shared/analysis';
import { createEmitter } from '../lib/emitter';
import { createAnalysisStore } from './analysis';
import { createAnalystStore } from './analyst';
import { createCaseDataStore } from './case-data';
import { createGraphStore, type GraphDeps, type GraphEvents, type LayoutFn } from './graph';
import { createImportStore } from './import';
import { createSelectionStore, type SelectionEvents } from './selection';
import { createVerifyStore } from './verify';
import { createViewStore } from './view';

/** The commands the stores send to the views (graph canvas, timeline): events, not state. */
export type Commands = GraphEvents & SelectionEvents;

export interface AppDeps {
  api: Api;
  layout: LayoutFn;
  /** Where the graph keeps the analyst's pins (the page's localStorage unless given). */
  storage?: GraphDeps['storage'];
}

export function createAppStores({ api, layout, storage = typeof localStorage === 'undefined' ? undefined : localStorage }: AppDeps) {
  const commands = createEmitter<Commands>();
  const caseData = createCaseDataStore(api);
  const graph = createGraphStore({
    api,
    layout,
    events: commands,
    storage,
    caseKey: () => caseData.getState().info?.path,
  });
  const selection = createSelectionStore({ api, graph, caseData, events: commands });
  const analysis = createAnalysisStore(api);
  const stores = {
    commands,
    caseData,
    graph,
    selection,
    analysis,
    analyst: createAnalystStore(api),
    view: createViewStore(),
    importer: createImportStore({
      api,
      // New evidence changes the case: read it again, and evidence dropped into an empty workbench opens
      // on its incident, as a case does.
      onImported: async () => {
        await caseData.getState().refresh();
        await selection.getState().openOnIncident();
      },
    }),
    // Every row's verdict depends on the run and on trust: the case's data is read again, the rows shown
    // meanwhile as they were (the same rows, their verdicts about to change).
    verify: createVerifyStore({ api, onVerdictsChanged: () => caseData.getState().refresh({ keepRows: true }) }),
  };
  return stores;
}

export type AppStores = ReturnType<typeof createAppStores>;

/** The journal's edge decisions and drawn edges: what the server links the graph with. */
function edgeStateOf(state: AnalysisState | undefined): string | undefined {
  return state && JSON.stringify([state.decisions, state.edges]);
}

/** Starts every reaction between the stores; the function returned stops them all. */
export function connectStores({ caseData, graph, selection, analysis }: AppStores): () => void {
  const stops = [
    // The timeline's generation changes with every new filter or import: reload the graph for it, once.
    // The timeline's first page is asked for first and the graph right after it is asked, not after it is
    // answered: the host answers the page while the graph is read from the link cache (or linked in the
    // link worker), so the two arrive together.
    caseData.subscribe((state, previous) => {
      if (state.generation !== previous.generation) graph.setState({ status: 'loading' });
      if (state.firstPageAsked !== previous.firstPageAsked && state.firstPageAsked === state.generation) {
        void graph.getState().load(state.filter);
      }
    }),
    // The case's info names it: the graph, perhaps asked for before, takes that case's pins.
    caseData.subscribe((state, previous) => {
      if (state.info?.path !== previous.info?.path) graph.getState().followCase();
    }),
    // A new filter (set, narrowed or cleared) keeps the selected event selected: its row is found in the
    // new query and scrolled to, or, when the filter hides it, it stays in the inspector with no row marked.
    // After the new filter's first page is asked for (setFilter asks for it once its state is set): the
    // host answers in order, and the page is what the analyst waits for.
    caseData.subscribe((state, previous) => {
      if (state.filter !== previous.filter) queueMicrotask(() => void selection.getState().followFilter());
    }),
    // A new graph (another filter, an import) gives the selected event its node in that graph, or none.
    graph.subscribe((state, previous) => {
      if (state.nodeOfEvent !== previous.nodeOfEvent) selection.getState().followGraph();
    }),
    // Accepting, rejecting or drawing an edge (or undoing one) changes what the server links: a rejected
    // edge may split a chain. Relink for the filter on screen whenever the journal's edge state changes.
    analysis.subscribe((state, previous) => {
      const [now, before] = [edgeStateOf(state.state), edgeStateOf(previous.state)];
      const { filter } = graph.getState();
      // The first load of a case's analysis: the graph was linked with it already.
      if (before === undefined || now === before || !filter) return;
      void graph.getState().load(filter);
    }),
  ];
  return () => stops.forEach((stop) => stop());
}
