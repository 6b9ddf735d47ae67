import '../../styles/base.css';
import '../../styles/display.css';
import { render } from 'preact';
import { DisplayApp } from './DisplayApp.jsx';

render(<DisplayApp />, document.getElementById('app'));
