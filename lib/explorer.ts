import fs from 'node:fs';
import path from 'node:path';

/**
 * GraphiQL served from the installed packages (no CDN: these machines and many government
 * networks have no internet), with the Authorization header editable in its headers tab.
 * graphiql 3 is the last major with a browser bundle that runs without a build step, on React
 * 18's UMD builds.
 */
const modules = path.join(__dirname, '../node_modules');
const ASSETS: Record<string, { file: string; type: string }> = {
  'react.js': { file: path.join(modules, 'react/umd/react.production.min.js'), type: 'text/javascript' },
  'react-dom.js': { file: path.join(modules, 'react-dom/umd/react-dom.production.min.js'), type: 'text/javascript' },
  'graphiql.js': { file: path.join(modules, 'graphiql/graphiql.min.js'), type: 'text/javascript' },
  'graphiql.css': { file: path.join(modules, 'graphiql/graphiql.min.css'), type: 'text/css' },
};

const START = `
const params = new URLSearchParams(location.search);
const fetcher = GraphiQL.createFetcher({ url: new URL('graphql', location.href).toString() });
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, {
    fetcher,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
    defaultHeaders: '{}',
    query: params.get('query') || undefined,
    defaultQuery: '# Signed-in data needs a token in Headers: {"authorization": "Bearer …"}\\n# (npm run -s token -- --role DISTRICT_CIVIL_AFFAIRS --area 510108000000)\\n{\\n  communities(first: 5) { totalCount edges { node { code name } } }\\n}\\n',
  }),
);
`;

const PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>Community Resource Graph · GraphiQL</title>
<link rel="stylesheet" href="explorer/graphiql.css">
</head>
<body style="margin:0">
<div id="graphiql" style="height:100vh"></div>
<script src="explorer/react.js"></script>
<script src="explorer/react-dom.js"></script>
<script src="explorer/graphiql.js"></script>
<script src="explorer/start.js"></script>
</body>
</html>
`;

/** The explorer's answer for a GET with this path and Accept header; undefined when it is not one of its own. */
export function explorerAnswer(
  pathname: string,
  accept: string | undefined,
): { type: string; cacheControl?: string; body: string | fs.ReadStream } | undefined {
  if (pathname === '/' && accept?.includes('text/html')) return { type: 'text/html; charset=utf-8', body: PAGE };
  if (!pathname.startsWith('/explorer/')) return undefined;
  const name = pathname.slice('/explorer/'.length);
  if (name === 'start.js') return { type: 'text/javascript; charset=utf-8', body: START };
  const asset = ASSETS[name];
  if (!asset) return undefined;
  return { type: `${asset.type}; charset=utf-8`, cacheControl: 'public, max-age=3600', body: fs.createReadStream(asset.file) };
}
