// Developer probe (not a test): prints the engine's assessment of each line of a file, one command per
// line, without running anything. `npx tsx test/unit/support/probeCommands.ts FILE`
import { readFileSync } from 'node:fs';
import { makeFixture } from './engineFixture';

async function main(): Promise<void> {
  const fixture = await makeFixture();
  try {
    for (const line of readFileSync(process.argv[2] ?? '/dev/stdin', 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const command = line.replace(/\\n/g, '\n');
      const assessment = fixture.assess(command);
      const top = assessment.reasons[0];
      console.log(`${String(assessment.score).padStart(3)} ${command.slice(0, 110)}  => ${top ? `${top.rule}: ${top.message}` : '-'}`);
    }
  } finally {
    fixture.dispose();
  }
}

void main();
