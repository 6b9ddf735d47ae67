import '../../styles/base.css';
import '../../styles/display.css';
import { render } from 'preact';
import { DisplayApp } from './DisplayApp.jsx';

document.documentElement.classList.add('hall');
render(<DisplayApp />, document.getElementById('app'));
