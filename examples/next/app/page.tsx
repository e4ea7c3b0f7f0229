import { PythonResult } from './python-result';

export default function Page() {
  return (
    <p>
      6 * 7 = <PythonResult />
    </p>
  );
}
