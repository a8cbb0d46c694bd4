import js from "@eslint/js";
import importPlugin from "eslint-plugin-import";
import reactHooks from "eslint-plugin-react-hooks";
import { readdirSync } from "node:fs";
import globals from "globals";
import tseslint from "typescript-eslint";

// bulletproof-react's unidirectional layout: app → features → shared. A feature never imports another
// (the app composes them); shared code and the generated types import no feature and not the app.
const FEATURES = readdirSync(new URL("./src/features", import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory()).map((entry) => entry.name);

const zones = [
  ...FEATURES.map((feature) => ({
    target: `./src/features/${feature}`, from: "./src/features", except: [`./${feature}`],
    message: "features do not import each other: compose them in src/app",
  })),
  { target: "./src/features", from: "./src/app", message: "features do not import the app" },
  { target: ["./src/shared", "./src/types"], from: ["./src/features", "./src/app"],
    message: "shared code imports no feature and not the app" },
];

export default tseslint.config(
  { ignores: ["dist", "node_modules"] },
  {
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    files: ["src/**/*.{ts,tsx}"],
    languageOptions: { ecmaVersion: 2022, globals: globals.browser },
    plugins: { "react-hooks": reactHooks, import: importPlugin },
    settings: { "import/resolver": { node: { extensions: [".ts", ".tsx", ".js"] } } },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "import/no-restricted-paths": ["error", { zones }],
    },
  },
);
