// The plugin ships types that its package.json "exports" do not point at; this is their one export.
declare module '@web/rollup-plugin-import-meta-assets' {
  export function importMetaAssets(options?: { include?: string[]; exclude?: string[] }): import('rollup').Plugin;
}
