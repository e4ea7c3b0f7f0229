import { Chat } from './chat';

export default function Page() {
  return (
    <main>
      <h1>Ask something that needs code</h1>
      <Chat />
    </main>
  );
}
