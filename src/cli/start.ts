import { main } from '../server';

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
