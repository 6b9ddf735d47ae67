import '../../styles/base.css';
import '../../styles/console.css';
import { render } from 'preact';
import { ChairApp } from './ChairApp.jsx';

render(<ChairApp />, document.getElementById('app'));
