import fs from 'node:fs';
import path from 'node:path';

/**
 * GraphiQL served from the installed packages (no CDN: these machines and many government
 * networks have no internet), with the Authorization header editable in its headers tab.
 * graphiql 3 is the last major with a browser bundle that runs without a build step, on React
 * 18's UMD builds.
 */
const modules = path.join(__dirname, '../../node_modules');
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

/**
 * What a browser gets where it lands when the explorer is off (NODE_ENV=production by default):
 * a plain page from this server, no script and nothing fetched from elsewhere, instead of
 * Apollo Server's landing page, which loads its scripts from Apollo's CDN.
 */
const PLAIN_PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>Community Resource Graph</title>
</head>
<body>
<h1>Community Resource Graph</h1>
<p>This is a GraphQL endpoint. Send <code>POST</code> requests with a JSON body
<code>{"query": "…", "variables": {…}}</code> to <code>/graphql</code>, with
<code>Authorization: Bearer …</code> for signed-in data.</p>
<p>The explorer (GraphiQL) is off on this server; it is served here when <code>EXPLORER=true</code>.</p>
</body>
</html>
`;

/** Where a browser lands: the gateway's root and its GraphQL URL (the one `npm start` prints). */
const LANDING_PATHS = ['/', '/graphql'];

/**
 * The answer for a GET with this path and Accept header, undefined when it is not the
 * explorer's: a browser landing on `/` or `/graphql` gets GraphiQL when `enabled`, the plain
 * page otherwise (never Apollo's CDN page); the explorer's assets are served only when enabled.
 */
export function explorerAnswer(
  pathname: string,
  accept: string | undefined,
  enabled: boolean,
): { type: string; cacheControl?: string; body: string | fs.ReadStream } | undefined {
  if (LANDING_PATHS.includes(pathname) && accept?.includes('text/html'))
    return { type: 'text/html; charset=utf-8', body: enabled ? PAGE : PLAIN_PAGE };
  if (!enabled || !pathname.startsWith('/explorer/')) return undefined;
  const name = pathname.slice('/explorer/'.length);
  if (name === 'start.js') return { type: 'text/javascript; charset=utf-8', body: START };
  const asset = ASSETS[name];
  if (!asset) return undefined;
  return { type: `${asset.type}; charset=utf-8`, cacheControl: 'public, max-age=3600', body: fs.createReadStream(asset.file) };
}
