/** Builds dist/ once before the suite (`npm run build`), so CLI tests run the bundled binary a user would run. */
import { execFileSync } from 'node:child_process';

export default function globalSetup() {
  execFileSync(process.execPath, ['scripts/build.js'], { stdio: 'inherit' });
}
