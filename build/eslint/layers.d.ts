// Types of layers.js for the tests that import it (test/unit/lint-core-imports.test.ts).
export declare const CORE_IMPORTS: readonly string[];
export declare const layersPlugin: { rules: Record<string, unknown> };
