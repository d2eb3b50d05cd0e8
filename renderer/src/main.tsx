// Renderer entry: connect to the app's API and render the window.
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { getApi } from './api-bridge';
import { useStore } from './store';
import './styles.css';

try {
  useStore.getState().connect(getApi((lost) => useStore.getState().setLink(lost)));
} catch (err) {
  useStore.setState({ error: (err as Error).message });
}
createRoot(document.getElementById('root')!).render(<App />);
