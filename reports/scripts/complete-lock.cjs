// Completes package-lock.json after `npm install` so that `npm ci` accepts it.
//
// The registry mirror this project installs from does not serve some other platforms' optional
// binaries (e.g. @duckdb/node-bindings-darwin-x64): npm leaves them out of the lock file, and
// `npm ci` then refuses the lock as out of sync. Each missing one is written back as an optional
// entry for its own os/cpu, which `npm ci` skips on any other machine. Run from reports/:
//   npm install && node scripts/complete-lock.cjs
const fs = require('fs');

const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8'));
const OSES = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openbsd', 'openharmony'];
let added = 0;
for (const entry of Object.values(lock.packages)) {
	for (const [name, version] of Object.entries(entry.optionalDependencies || {})) {
		const key = `node_modules/${name}`;
		if (lock.packages[key]) continue;
		const parts = name.split('/').pop().split('-');
		const os = parts.find((part) => OSES.includes(part));
		lock.packages[key] = { version, optional: true, os: [os], cpu: [parts[parts.indexOf(os) + 1]] };
		added++;
	}
}
fs.writeFileSync('package-lock.json', JSON.stringify(lock, null, 2) + '\n');
console.log(`package-lock.json: ${added} optional platform entries added`);
