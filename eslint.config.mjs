// Lint, run by `npm test`: the packages' sources with typescript-eslint's type-checked
// recommendations; the tests with its plain recommendations (they are type-checked by
// `tsc -p test`; the type-checked rules would flag every node:test call and every JSON.parse).
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', 'node_modules/**', 'runs/**'] },
  {
    files: ['packages/*/src/**/*.ts'],
    extends: [eslint.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    files: ['test/**/*.ts'],
    extends: [eslint.configs.recommended, ...tseslint.configs.recommended],
    // tests reach into parsed summaries and unpacked checkpoints to edit or check them
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
